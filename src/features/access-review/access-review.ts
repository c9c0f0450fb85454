/**
 * Annual access review (« revue des droits d'accès »; admin guide « Votre mission »: « une revue
 * périodique des droits d'accès devra être effectuée, à minima une fois par an »; issue 5).
 *
 * - An active account is due when its last review (account.access_reviewed_at; activation counts
 *   as one) is rules.accessReviewInterval old or more.
 * - « Confirmer les droits » (one account or several at once) records the review on the account
 *   and an `accessReview.confirmed` event, whose decision is `edited` when the account's sites or
 *   profession were changed in the console since its last review, else `confirmed`. Deactivation
 *   is the console's own action (`admin.accountDeactivated`).
 * - The report (who reviewed whom, when, with what decision) is read from the audit table:
 *   `accessReview.confirmed`, `admin.accountActivated` (activation counts as a review) and
 *   `admin.accountDeactivated`. One source of truth, hash-chained, so the evidence given to an
 *   auditor is tamper-evident; its depth is the audit retention (12 months by default, the review
 *   interval): export the report's CSV at the end of each campaign to keep it longer.
 * - Notifications (`sendAccessReviewNotifications`, run daily by `npm run cli -- daily-tasks`): a
 *   campaign opens for a hospital when it has due reviews and closes when none is left; each of
 *   its account managers gets « Revue des droits d'accès à effectuer » once per campaign, and one
 *   reminder after rules.accessReviewReminderDelay if reviews are still due.
 */
import type { Db } from '../../kernel/db/database.ts'
import type { MailContext } from '../../kernel/mail/compose.ts'
import { enqueueMail } from '../../kernel/mail/outbox.ts'
import type { AccessReviewNoticeKind } from '../../kernel/db/schema.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { selectVisibleEvents } from '../audit/index.ts'
import type { Manager } from '../../kernel/accounts/managed-accounts.ts'
import {
  findEditsSince, findHospitalAccountManagers, findReviewProgress, markAccessReviewed, selectDueReviews, selectReviewableAccounts,
} from './access-review.queries.ts'
import { accessReviewEmail } from './emails/review-due.ts'
import type { RequestMeta } from '../../kernel/audit/audit-trail.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'


export type ReviewDecision = 'confirmed' | 'edited'

export type ConfirmationResult =
  | { outcome: 'done'; confirmed: Array<{ id: string; decision: ReviewDecision }>; alreadyReviewed: number }
  | { outcome: 'notFound' }

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * « Confirmer les droits » for one or several accounts, all or nothing: one id out of the
 * reviewer's scope (or not theirs to review) gives notFound and changes nothing. An account
 * already reviewed in the meantime (double submit, two managers) is counted, not reviewed again.
 */
export async function confirmAccessReviews (ctx: FlowContext, reviewer: Manager, accountIds: readonly unknown[], meta: RequestMeta): Promise<ConfirmationResult> {
  const now = ctx.clock.now()
  const ids = [...new Set(accountIds)]
  if (ids.length === 0 || ids.some((id) => typeof id !== 'string' || !uuidPattern.test(id))) return { outcome: 'notFound' }
  const wanted = ids as string[]
  return ctx.db.transaction().execute(async (tx) => {
    const reviewable = await selectReviewableAccounts(tx, reviewer)
      .select(['account.id', 'account.access_reviewed_at', 'account.activated_at', 'account.deactivated_at'])
      .where('account.id', 'in', wanted)
      .execute()
    if (reviewable.length !== wanted.length) return { outcome: 'notFound' } as const
    const due = await selectDueReviews(tx, reviewer, now, ctx.rules.accessReviewInterval)
      .select(['account.id', 'account.access_reviewed_at']).where('account.id', 'in', wanted).execute()
    // Every account row is written before any audit row: the audit chain's head is locked
    // last, as in every other transaction, so concurrent logins cannot deadlock with a review.
    const decisions = []
    for (const account of due) {
      const previousReview = account.access_reviewed_at === null ? null : Number(account.access_reviewed_at)
      const edits = await findEditsSince(tx, account.id, previousReview ?? 0)
      await markAccessReviewed(tx, account.id, reviewer.id, now)
      decisions.push({ id: account.id, previousReview, edits, decision: (edits.length > 0 ? 'edited' : 'confirmed') as ReviewDecision })
    }
    for (const { id, previousReview, edits, decision } of decisions) {
      await recordEvent(tx, {
        type: 'accessReview.confirmed',
        actorId: reviewer.id,
        actorRole: reviewer.isSuperadmin ? 'superadmin' : 'accountManager',
        targetId: id,
        hospitalId: await hospitalOfReview(tx, reviewer, id),
        ...meta,
        details: { decision, previousReview: previousReview === null ? null : new Date(previousReview).toISOString(), edits },
      }, now)
    }
    const confirmed = decisions.map(({ id, decision }) => ({ id, decision }))
    return { outcome: 'done', confirmed, alreadyReviewed: wanted.length - due.length } as const
  })
}

/** The hospital the review is filed under: one the reviewer manages, else the account's first. */
async function hospitalOfReview (tx: Db, reviewer: Manager, accountId: string): Promise<string | null> {
  const rows = await tx.selectFrom('account_site').innerJoin('site', 'site.id', 'account_site.site_id')
    .select('site.hospital_id').where('account_site.account_id', '=', accountId).orderBy('site.hospital_id').execute()
  const hospitals = rows.map((r) => r.hospital_id)
  return hospitals.find((id) => reviewer.hospitalIds.includes(id)) ?? hospitals[0] ?? null
}

export type NotificationSummary = { campaignsOpened: number; campaignsClosed: number; dueEmails: number; reminders: number }

/** The daily run: opens and closes campaigns and sends each email at most once per campaign. */
export async function sendAccessReviewNotifications (ctx: FlowContext): Promise<NotificationSummary> {
  const { db, rules, mail: mailContext } = ctx
  const now = ctx.clock.now()
  const summary: NotificationSummary = { campaignsOpened: 0, campaignsClosed: 0, dueEmails: 0, reminders: 0 }
  const progress = await findReviewProgress(db, 'all', now, rules.accessReviewInterval)
  const dueByHospital = new Map(progress.filter((p) => p.due > 0).map((p) => [p.hospitalId, p]))
  const campaigns = await db.selectFrom('access_review_campaign').select(['hospital_id', 'started_at']).execute()
  for (const campaign of campaigns) {
    if (dueByHospital.has(campaign.hospital_id)) continue
    await db.deleteFrom('access_review_campaign').where('hospital_id', '=', campaign.hospital_id).execute()
    summary.campaignsClosed++
  }
  const started = new Map(campaigns.map((c) => [c.hospital_id, Number(c.started_at)]))
  for (const hospital of dueByHospital.values()) {
    let startedAt = started.get(hospital.hospitalId)
    if (startedAt === undefined) {
      startedAt = now
      const opened = await db.insertInto('access_review_campaign').values({ hospital_id: hospital.hospitalId, started_at: now })
        .onConflict((oc) => oc.column('hospital_id').doNothing()).executeTakeFirst()
      if (Number(opened.numInsertedOrUpdatedRows ?? 0) > 0) summary.campaignsOpened++
    }
    const kind: AccessReviewNoticeKind = now - startedAt >= rules.accessReviewReminderDelay ? 'reminder' : 'due'
    for (const manager of await findHospitalAccountManagers(db, hospital.hospitalId)) {
      const sent = await notifyManagerOnce(db, mailContext, manager, hospital, startedAt, kind, now)
      if (sent === 'due') summary.dueEmails++
      if (sent === 'reminder') summary.reminders++
    }
  }
  return summary
}

type ManagerRecipient = Awaited<ReturnType<typeof findHospitalAccountManagers>>[number]

/**
 * Sends the manager the « due » email of this campaign if they never got it, else the reminder
 * when it is time and was never sent. The notice row is written first in the email's
 * transaction: a parallel run fails on its primary key and sends nothing.
 */
async function notifyManagerOnce (db: Db, mailContext: MailContext, manager: ManagerRecipient, hospital: { hospitalId: string; name: string; due: number }, campaignStartedAt: number, time: AccessReviewNoticeKind, now: number): Promise<AccessReviewNoticeKind | undefined> {
  const notices = await db.selectFrom('access_review_notice').select('kind')
    .where('hospital_id', '=', hospital.hospitalId).where('manager_id', '=', manager.id)
    .where('campaign_started_at', '=', campaignStartedAt).execute()
  const kinds = new Set(notices.map((n) => n.kind))
  const kind: AccessReviewNoticeKind | undefined = !kinds.has('due') ? 'due' : time === 'reminder' && !kinds.has('reminder') ? 'reminder' : undefined
  if (!kind) return undefined
  try {
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('access_review_notice').values({
        hospital_id: hospital.hospitalId, manager_id: manager.id, kind, campaign_started_at: campaignStartedAt, sent_at: now,
      }).execute()
      await enqueueMail(tx, accessReviewEmail(mailContext, kind, manager, { hospitalName: hospital.name, due: hospital.due }), now)
      await recordEvent(tx, {
        type: 'accessReview.notified', actorRole: 'system', targetId: manager.id, hospitalId: hospital.hospitalId,
        details: { kind, due: hospital.due, campaignStartedAt: new Date(campaignStartedAt).toISOString() },
      }, now)
    })
    return kind
  } catch (error) {
    if (await isNoticeSent(db, hospital.hospitalId, manager.id, kind, campaignStartedAt)) return undefined
    throw error
  }
}

async function isNoticeSent (db: Db, hospitalId: string, managerId: string, kind: AccessReviewNoticeKind, campaignStartedAt: number): Promise<boolean> {
  const row = await db.selectFrom('access_review_notice').select('kind').where('hospital_id', '=', hospitalId)
    .where('manager_id', '=', managerId).where('kind', '=', kind).where('campaign_started_at', '=', campaignStartedAt).executeTakeFirst()
  return row !== undefined
}

export type ReportDecision = 'confirmed' | 'edited' | 'activated' | 'deactivated'

export interface ReportLine {
  at: number
  hospitalName: string | null
  reviewerEmail: string | null
  reviewerRole: string | null
  accountEmail: string | null
  accountName: string | null
  decision: ReportDecision
}

const reportEventTypes = ['accessReview.confirmed', 'admin.accountActivated', 'admin.accountDeactivated']

/** Who reviewed whom, when, with what decision, for one hospital and period [from, until). */
export async function findReviewReport (db: Db, hospitalId: string, from: number, until: number): Promise<ReportLine[]> {
  const rows = await selectVisibleEvents(db, { id: '', isSuperadmin: false, hospitalIds: [hospitalId] })
    .leftJoin('account as reviewer', 'reviewer.id', 'audit_event.actor_id')
    .leftJoin('account as reviewed', 'reviewed.id', 'audit_event.target_id')
    .leftJoin('hospital', 'hospital.id', 'audit_event.hospital_id')
    .select(['audit_event.at', 'audit_event.type', 'audit_event.details', 'audit_event.actor_role', 'hospital.name as hospital_name',
      'reviewer.email as reviewer_email', 'reviewed.email as account_email', 'reviewed.last_name', 'reviewed.first_name'])
    .where('audit_event.type', 'in', reportEventTypes)
    .where('audit_event.outcome', '=', 'success')
    .where('audit_event.at', '>=', from)
    .where('audit_event.at', '<', until)
    .orderBy('audit_event.seq')
    .execute()
  return rows.map((r) => ({
    at: Number(r.at),
    hospitalName: r.hospital_name,
    reviewerEmail: r.reviewer_email,
    reviewerRole: r.actor_role,
    accountEmail: r.account_email,
    accountName: r.last_name === null ? null : `${r.last_name} ${r.first_name ?? ''}`.trim(),
    decision: decisionOf(r.type, r.details),
  }))
}

function decisionOf (type: string, details: string | null): ReportDecision {
  if (type === 'admin.accountActivated') return 'activated'
  if (type === 'admin.accountDeactivated') return 'deactivated'
  try {
    return (JSON.parse(details ?? '{}') as { decision?: string }).decision === 'edited' ? 'edited' : 'confirmed'
  } catch {
    return 'confirmed'
  }
}
