/**
 * Information pages: the rules they show. The help page states the guide's durations and counts
 * from `app.rules`, never from copies, so a rule changed in `config.ts` changes the guide too.
 */
import { days, hours, minutes, seconds, type Rules } from '../../config.ts'
import type { Lang } from '../../kernel/web/messages.ts'
import type { CurrentAccount } from '../../kernel/web/context.ts'
import { messages } from './messages.ts'

const units = {
  fr: { year: ['an', 'ans'], day: ['jour', 'jours'], hour: ['heure', 'heures'], minute: ['minute', 'minutes'], second: ['seconde', 'secondes'] },
  en: { year: ['year', 'years'], day: ['day', 'days'], hour: ['hour', 'hours'], minute: ['minute', 'minutes'], second: ['second', 'seconds'] },
} as const

/** « 1 minute », « 6 heures », « 30 minutes »: the largest unit that divides the duration exactly. */
export function describeDuration (ms: number, lang: Lang): string {
  const scale = [
    ['year', days(365)], ['day', days(1)], ['hour', hours(1)], ['minute', minutes(1)], ['second', seconds(1)],
  ] as const
  const [unit, size] = scale.find(([, size]) => ms >= size && ms % size === 0) ?? ['second', seconds(1)]
  const count = Math.round(ms / size)
  const [one, many] = units[lang][unit]
  return `${count} ${count > 1 ? many : one}`
}

/** « Mme Dupont », « M. Martin »: how the guide's emails and pages greet a user. */
export function formalName (account: Pick<CurrentAccount, 'civility' | 'lastName'>, lang: Lang): string {
  return `${messages[lang].civility[account.civility]} ${account.lastName}`
}

/** What the help page needs to state the rules as they are configured. */
export interface GuideFacts {
  appName: string
  appBaseUrl: string
  supportEmail: string
  rules: Rules
}
