/**
 * A period of French days given in a form or a link as « du » and « au » (aaaa-mm-jj): the
 * journal's filter and the access-review report read it the same way. The period runs from
 * midnight in Paris on « du » to midnight in Paris after « au » (both days included).
 */
import { Type } from '@sinclair/typebox'
import { nextDay, startOfParisDay } from './dates.ts'
import type { FieldErrors } from './forms.ts'

/** A day field of a query: empty, or shaped « 2026-11-27 » (whether the day exists is readPeriod's). */
export const DayField = Type.Optional(Type.Union([Type.Literal(''), Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })]))

export type PeriodProblem = 'invalidDate' | 'periodReversed'

export interface Period {
  /** Start of « du » in Paris; undefined when « du » is empty or wrong. */
  from?: number
  /** Start of the day after « au » in Paris (the period's end, excluded); undefined when « au » is empty or wrong. */
  until?: number
  problems: { du?: PeriodProblem; au?: PeriodProblem }
}

/**
 * Reads « du » and « au » (an empty one is no bound): a day that does not exist, or one the
 * query's schema refused (`schemaErrors`), is `invalidDate`; « au » before « du » is `periodReversed`.
 */
export function readPeriod (du: string, au: string, schemaErrors: FieldErrors = {}): Period {
  const from = du === '' ? undefined : startOfParisDay(du)
  const to = au === '' ? undefined : startOfParisDay(au)
  const problems: Period['problems'] = {}
  if (schemaErrors.du !== undefined || (du !== '' && from === undefined)) problems.du = 'invalidDate'
  if (schemaErrors.au !== undefined || (au !== '' && to === undefined)) problems.au = 'invalidDate'
  else if (from !== undefined && to !== undefined && from > to) problems.au = 'periodReversed'
  return { from, until: to === undefined ? undefined : startOfParisDay(nextDay(au)), problems }
}
