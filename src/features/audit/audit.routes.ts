/**
 * The journal in the console (ASVS 16.2, docs/security.md « Audit trail »), mounted at /gestion/journal: account managers
 * see the events about their hospitals' users, super-administrators all; filters by user, event
 * type and period; pagination; CSV export of the filtered events (itself recorded).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { DayField, readPeriod } from '../../kernel/web/period.ts'
import { fieldErrorsFrom, type FieldErrors } from '../../kernel/web/forms.ts'
import { recordEvent, requestMeta } from '../../kernel/audit/audit-trail.ts'
import { listAuditEvents, type AuditFilters, type AuditViewer, type ListedEvent } from './audit.queries.ts'
import { csvByteOrderMark, csvDownloadHeaders, csvLine } from '../../kernel/web/csv.ts'
import { messages, type AuditMessages } from './messages.ts'
import { auditedManagerRoutes } from './refusals.ts'
import { journalPage, type JournalValues } from './views/journal.ts'
import { formatInstantIso } from '../../kernel/web/dates.ts'

const pageSize = 50
const csvBatch = 1000
/** An export larger than this is cut (a narrower period gives the rest). */
const csvMaximumEvents = 100_000

const JournalQuery = Type.Object({
  utilisateur: Type.Optional(Type.String({ maxLength: 200 })),
  action: Type.Optional(Type.String({ maxLength: 80 })),
  du: DayField,
  au: DayField,
  page: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
})

export function viewerOf (request: FastifyRequest): AuditViewer {
  const account = request.account
  if (!account) throw new Error('journal route without the role guard')
  return { id: account.id, isSuperadmin: account.isSuperadmin, hospitalIds: account.managedHospitalIds }
}

type ReadQuery = { values: JournalValues; filters: AuditFilters; errors: FieldErrors; page: number }

/** The journal's filters from its query (`query` is undefined when its schema refused it). */
function readQuery (request: FastifyRequest, query: Static<typeof JournalQuery> | undefined, t: AuditMessages): ReadQuery {
  const raw = query ?? {}
  const errors: FieldErrors = request.validationError ? fieldErrorsFrom(request.lang, request.validationError.validation) : {}
  const values: JournalValues = {
    utilisateur: (raw.utilisateur ?? '').trim(),
    action: raw.action ?? '',
    du: raw.du ?? '',
    au: raw.au ?? '',
  }
  const period = readPeriod(values.du, values.au, errors, t)
  const filters: AuditFilters = Object.keys(errors).length > 0
    ? {}
    : { user: values.utilisateur || undefined, type: values.action || undefined, from: period.from, until: period.until }
  return { values, filters, errors, page: Math.max(1, Number(raw.page ?? '1')) }
}

function csvRow (t: AuditMessages, event: ListedEvent): string {
  return csvLine([
    formatInstantIso(event.at), event.type, t.eventLabels[event.type] ?? event.type, event.outcome,
    event.actorEmail ?? event.actorId, event.actorRole, event.targetEmail ?? event.targetId, event.hospitalName,
    event.ip, event.userAgent, event.details, event.seq,
  ])
}

export async function auditRoutes (instance: FastifyInstance) {
  const { app, asManager } = auditedManagerRoutes(instance)

  // GET /gestion/journal?utilisateur=…&action=…&du=…&au=…&page=…
  app.get('', { ...asManager, schema: { querystring: JournalQuery }, attachValidation: true }, async function showJournal (request, reply) {
    const t = messages[request.lang]
    const query = readQuery(request, request.validationError ? undefined : request.query, t)
    const invalid = Object.keys(query.errors).length > 0
    const events = invalid ? [] : await listAuditEvents(app.db, viewerOf(request), query.filters, { limit: pageSize + 1, offset: (query.page - 1) * pageSize })
    return reply.page({
      title: t.title,
      body: journalPage(request, {
        isSuperadmin: request.account?.isSuperadmin ?? false, values: query.values, errors: query.errors,
        events: events.slice(0, pageSize), page: query.page, hasNextPage: events.length > pageSize,
      }),
    }, invalid ? 400 : 200)
  })

  // GET /gestion/journal.csv?utilisateur=…&action=…&du=…&au=…
  app.get('.csv', { ...asManager, schema: { querystring: JournalQuery }, attachValidation: true }, async function exportJournal (request, reply) {
    const t = messages.fr
    const query = readQuery(request, request.validationError ? undefined : request.query, t)
    if (Object.keys(query.errors).length > 0) {
      return reply.redirect(`/gestion/journal?${new URLSearchParams(Object.entries(query.values)).toString()}`, 303)
    }
    const viewer = viewerOf(request)
    const lines = [csvByteOrderMark, csvLine(t.csvHeader)]
    let exported = 0
    while (exported < csvMaximumEvents) {
      const batch = await listAuditEvents(app.db, viewer, query.filters, { limit: csvBatch, offset: exported })
      for (const event of batch) lines.push(csvRow(t, event))
      exported += batch.length
      if (batch.length < csvBatch) break
    }
    await app.db.transaction().execute((tx) => recordEvent(tx, {
      type: 'audit.exported', actorId: viewer.id, hospitalId: viewer.hospitalIds[0] ?? null, ...requestMeta(request),
      details: { events: exported, filters: query.values },
    }, app.now()))
    return reply.headers(csvDownloadHeaders(`journal-bamara-${formatInstantIso(app.now()).slice(0, 10)}.csv`)).send(lines.join(''))
  })
}
