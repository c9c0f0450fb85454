/**
 * The access review in the console (the guide's presentation, « revue périodique des droits d’accès »), mounted at /gestion/revue-des-droits: the due
 * reviews and the campaign's progress, « Confirmer les droits » for one or several accounts,
 * and the report (printable page and CSV). Scope: hospital-scope.ts via access-review.queries.ts;
 * an account out of scope gives the console's 404 and nothing changes; refusals are audited.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { OneOrMany, listOf } from '../../kernel/web/routes.ts'
import { DayField, readPeriod } from '../../kernel/web/period.ts'
import { RequestRefused } from '../../kernel/web/errors.ts'
import { fieldErrorsFrom, type FieldErrors } from '../../kernel/web/forms.ts'
import { formatInstantIso } from '../../kernel/web/dates.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { auditedManagerRoutes } from '../audit/index.ts'
import { csvByteOrderMark, csvDownloadHeaders, csvLine } from '../../kernel/web/csv.ts'
import { managerFrom, type Manager } from '../../kernel/accounts/managed-accounts.ts'
import { confirmAccessReviews, findReviewReport } from './access-review.ts'
import { countDueReviews, findHospitalNames, findReviewProgress, findSitesOfAccounts, listDueReviews } from './access-review.queries.ts'
import { messages, type ReviewMessages } from './messages.ts'
import { reviewPage } from './views/review-page.ts'
import { reportPage, type ReportValues } from './views/report-page.ts'
import { requestMeta } from '../../kernel/audit/audit-trail.ts'

const shownDueReviews = 200
const oneDay = 24 * 60 * 60 * 1000

const ConfirmForm = Type.Object({
  comptes: Type.Optional(OneOrMany(Type.String({ maxLength: 64 }), 200)),
})

const ReviewQuery = Type.Object({ fait: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })) })

const ReportQuery = Type.Object({
  hopital: Type.Optional(Type.String({ maxLength: 64 })),
  du: DayField,
  au: DayField,
})
type ReportQueryType = Static<typeof ReportQuery>

function reviewerOf (request: FastifyRequest): Manager {
  if (!request.account) throw new Error('review route without the role guard')
  return managerFrom(request.account)
}

function notFound (): RequestRefused {
  return new RequestRefused(404)
}

type ReadReport = { values: ReportValues; errors: FieldErrors; hospitals: Array<{ id: string; name: string }>; from?: number; until?: number }

/** The report's hospital and period from its query (`query` is undefined when its schema refused it). */
async function readReportQuery (app: FastifyInstance, request: FastifyRequest, query: ReportQueryType | undefined, t: ReviewMessages): Promise<ReadReport> {
  const reviewer = reviewerOf(request)
  const hospitals = await findHospitalNames(app.db, reviewer.isSuperadmin ? 'all' : reviewer.hospitalIds)
  const raw = query ?? {}
  const errors: FieldErrors = request.validationError ? fieldErrorsFrom(request.lang, request.validationError.validation) : {}
  const today = formatInstantIso(app.now()).slice(0, 10)
  const yearAgo = formatInstantIso(app.now() - 365 * oneDay).slice(0, 10)
  const values: ReportValues = { hopital: raw.hopital ?? hospitals[0]?.id ?? '', du: raw.du || yearAgo, au: raw.au || today }
  if (values.hopital !== '' && !hospitals.some((h) => h.id === values.hopital)) throw notFound()
  if (values.hopital === '') errors.hopital = t.chooseHospital
  // The period is in French days: « du 01/01 » starts at midnight in Paris.
  const period = readPeriod(values.du, values.au, errors, t)
  return { values, errors, hospitals, from: period.from, until: period.until }
}

export async function accessReviewRoutes (instance: FastifyInstance) {
  const { app, asManager } = auditedManagerRoutes(instance)

  // GET /gestion/revue-des-droits?fait=<n>
  app.get('', { ...asManager, schema: { querystring: ReviewQuery }, attachValidation: true }, async function showDueReviews (request, reply) {
    const t = messages[request.lang]
    const reviewer = reviewerOf(request)
    const now = app.now()
    const interval = app.rules.accessReviewInterval
    const due = await listDueReviews(app.db, reviewer, now, interval, shownDueReviews)
    const done = request.validationError ? undefined : request.query.fait
    return reply.page({
      title: t.title,
      body: reviewPage(request, {
        isSuperadmin: reviewer.isSuperadmin,
        progress: await findReviewProgress(app.db, reviewer.isSuperadmin ? 'all' : reviewer.hospitalIds, now, interval, reviewer),
        due, dueTotal: due.length < shownDueReviews ? due.length : await countDueReviews(app.db, reviewer, now, interval),
        sites: await findSitesOfAccounts(app.db, due.map((a) => a.id)),
        notice: done === undefined ? undefined : t.confirmedNotice(Number(done)),
        error: undefined,
      }),
    })
  })

  // POST /gestion/revue-des-droits/confirmer (comptes=<id>, one or several)
  app.post('/confirmer', { ...asManager, schema: { body: ConfirmForm }, attachValidation: true }, async function confirmRights (request, reply) {
    const t = messages[request.lang]
    const ids = request.validationError ? [] : listOf(request.body.comptes)
    if (request.validationError || ids.length === 0) {
      const reviewer = reviewerOf(request)
      const now = app.now()
      const due = await listDueReviews(app.db, reviewer, now, app.rules.accessReviewInterval, shownDueReviews)
      return reply.page({
        title: t.title,
        body: reviewPage(request, {
          isSuperadmin: reviewer.isSuperadmin,
          progress: await findReviewProgress(app.db, reviewer.isSuperadmin ? 'all' : reviewer.hospitalIds, now, app.rules.accessReviewInterval, reviewer),
          due, dueTotal: due.length, sites: await findSitesOfAccounts(app.db, due.map((a) => a.id)),
          notice: undefined, error: t.nothingSelected,
        }),
      }, 400)
    }
    const result = await confirmAccessReviews(app.flow, reviewerOf(request), ids, requestMeta(request))
    if (result.outcome === 'notFound') throw notFound()
    return reply.redirect(`/gestion/revue-des-droits?fait=${result.confirmed.length}`, 303)
  })

  // GET /gestion/revue-des-droits/rapport?hopital=…&du=…&au=…
  app.get('/rapport', { ...asManager, schema: { querystring: ReportQuery }, attachValidation: true }, async function showReviewReport (request, reply) {
    const t = messages[request.lang]
    const query = await readReportQuery(app, request, request.validationError ? undefined : request.query, t)
    const valid = Object.keys(query.errors).length === 0 && query.from !== undefined && query.until !== undefined
    const hospitalName = query.hospitals.find((h) => h.id === query.values.hopital)?.name ?? ''
    const report = valid ? { hospitalName, lines: await findReviewReport(app.db, query.values.hopital, query.from as number, query.until as number), generatedAt: app.now() } : undefined
    return reply.page({
      title: t.reportTitle,
      body: reportPage(request, { hospitals: query.hospitals, values: query.values, errors: query.errors, report }),
    }, valid ? 200 : 400)
  })

  // GET /gestion/revue-des-droits/rapport.csv?hopital=…&du=…&au=…
  app.get('/rapport.csv', { ...asManager, schema: { querystring: ReportQuery }, attachValidation: true }, async function exportReviewReport (request, reply) {
    const t = messages.fr
    const query = await readReportQuery(app, request, request.validationError ? undefined : request.query, t)
    if (Object.keys(query.errors).length > 0 || query.from === undefined || query.until === undefined) {
      return reply.redirect(`/gestion/revue-des-droits/rapport?${new URLSearchParams(Object.entries(query.values)).toString()}`, 303)
    }
    const hospitalName = query.hospitals.find((h) => h.id === query.values.hopital)?.name ?? ''
    const lines = await findReviewReport(app.db, query.values.hopital, query.from, query.until)
    const reviewer = reviewerOf(request)
    await app.db.transaction().execute((tx) => recordEvent(tx, {
      type: 'accessReview.reportExported', actorId: reviewer.id, hospitalId: query.values.hopital, ...requestMeta(request),
      details: { from: query.values.du, to: query.values.au, lines: lines.length },
    }, app.now()))
    const body = [csvByteOrderMark, csvLine(t.csvHeader), ...lines.map((l) => csvLine([
      formatInstantIso(l.at), l.hospitalName ?? hospitalName, l.reviewerEmail, l.reviewerRole, l.accountName, l.accountEmail, t.decisions[l.decision] ?? l.decision,
    ]))].join('')
    return reply.headers(csvDownloadHeaders(`revue-des-droits-${query.values.du}-${query.values.au}.csv`)).send(body)
  })
}
