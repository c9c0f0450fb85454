/**
 * Audit trail (issue 5 « Audit trail »; presentation: traceability of who did what): an
 * append-only record of security-relevant events, written in the same transaction as the change
 * it records. Each event's hash covers its content and the previous event's hash, so an edited
 * or deleted row breaks the chain (see `verifyAuditChain`). Never pass a password, code, token or
 * session id in `details`.
 *
 * `recordEvent` completes what a feature leaves out: the actor's role (superadmin,
 * accountManager or user) when only the actor is given, and the target's hospital when no
 * hospital is given (`hospitalId: null` means « none » and is kept). The viewer scopes on it.
 *
 * Retention (`purgeAuditEvents`): events older than rules.auditRetentionMonths are deleted from
 * the start of the chain only, and an `audit.purged` event records up to which event; the
 * verification then accepts exactly that gap at the start and no other.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { Db } from '../../kernel/db/database.ts'
import { holdsAccountAdministrationSite } from '../../kernel/accounts/accounts.ts'

export interface AuditEvent {
  type: string
  outcome?: 'success' | 'failure' | 'refused'
  actorId?: string | null
  actorRole?: string | null
  targetId?: string | null
  hospitalId?: string | null
  ip?: string | null
  userAgent?: string | null
  details?: Record<string, unknown>
}

/** Control characters (CR/LF, ANSI escapes) are replaced so stored text cannot forge lines. */
export function neutralizeText (value: string | null | undefined, maxLength = 500): string | null {
  if (value === null || value === undefined) return null
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '\uFFFD').slice(0, maxLength)
}

export async function recordEvent (tx: Db, event: AuditEvent, now: number): Promise<void> {
  // Looked up before the chain head is taken: the head's row lock is held as briefly as possible.
  const actorRole = event.actorRole !== undefined ? event.actorRole : event.actorId ? await findAccountRole(tx, event.actorId) : null
  const hospitalId = event.hospitalId !== undefined ? event.hospitalId : event.targetId ? await findFirstHospitalId(tx, event.targetId) : null
  const head = await tx.updateTable('audit_chain_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow()
  const row = {
    id: randomUUID(),
    seq: Number(head.seq),
    at: now,
    type: event.type,
    actor_id: event.actorId ?? null,
    actor_role: actorRole ?? null,
    target_id: event.targetId ?? null,
    hospital_id: hospitalId ?? null,
    ip: neutralizeText(event.ip, 64),
    user_agent: neutralizeText(event.userAgent, 300),
    outcome: event.outcome ?? 'success',
    details: event.details ? neutralizeText(JSON.stringify(event.details), 4000) : null,
    previous_hash: head.hash,
  }
  const hash = chainHash(row)
  await tx.insertInto('audit_event').values({ ...row, hash }).execute()
  await tx.updateTable('audit_chain_head').set({ hash }).where('id', '=', 1).execute()
}

/** superadmin, accountManager (holds an account-manager site) or user; null for an unknown id. */
async function findAccountRole (tx: Db, accountId: string): Promise<string | null> {
  const account = await tx.selectFrom('account').select(['is_superadmin']).where('id', '=', accountId).executeTakeFirst()
  if (!account) return null
  if (account.is_superadmin === 1) return 'superadmin'
  return await holdsAccountAdministrationSite(tx, accountId) ? 'accountManager' : 'user'
}

/** The target's hospital (the first by id when it has sites in several; the viewer also scopes by sites). */
async function findFirstHospitalId (tx: Db, accountId: string): Promise<string | null> {
  const row = await tx.selectFrom('account_site')
    .innerJoin('site', 'site.id', 'account_site.site_id')
    .select('site.hospital_id')
    .where('account_site.account_id', '=', accountId)
    .orderBy('site.hospital_id')
    .limit(1)
    .executeTakeFirst()
  return row?.hospital_id ?? null
}

export function chainHash (row: Record<string, unknown> & { previous_hash: string }): string {
  const fields = ['seq', 'at', 'type', 'actor_id', 'actor_role', 'target_id', 'hospital_id', 'ip', 'user_agent', 'outcome', 'details']
  const content = JSON.stringify(fields.map((f) => row[f] ?? null))
  return createHash('sha256').update(`${row.previous_hash}\n${content}`).digest('hex')
}

export type ChainVerification = { intact: true; events: number } | { intact: false; brokenAtSeq: number; reason: string }

/** Re-computes every hash in order; names the first event whose link or content was altered. */
export async function verifyAuditChain (db: Db): Promise<ChainVerification> {
  let previous: { seq: number; hash: string } | undefined
  let firstSeq: number | undefined
  let purgedThroughSeq = 0
  let count = 0
  const pageSize = 1000
  for (;;) {
    let query = db.selectFrom('audit_event').selectAll().orderBy('seq').limit(pageSize)
    if (previous) query = query.where('seq', '>', previous.seq)
    const rows = await query.execute()
    for (const row of rows) {
      const seq = Number(row.seq)
      // Purged events leave a gap at the start only; inside the chain every link must hold.
      if (previous && (seq !== previous.seq + 1 || row.previous_hash !== previous.hash)) {
        return { intact: false, brokenAtSeq: seq, reason: 'link to the previous event broken (event removed or reordered)' }
      }
      if (chainHash({ ...row, seq }) !== row.hash) {
        return { intact: false, brokenAtSeq: seq, reason: 'content altered' }
      }
      if (row.type === purgeEventType) purgedThroughSeq = Math.max(purgedThroughSeq, purgedThrough(row.details))
      firstSeq ??= seq
      previous = { seq, hash: row.hash }
      count++
    }
    if (rows.length < pageSize) break
  }
  const head = await db.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow()
  if (previous && (Number(head.seq) !== previous.seq || head.hash !== previous.hash)) {
    return { intact: false, brokenAtSeq: previous.seq + 1, reason: 'latest events removed' }
  }
  // A gap at the start is a purge only when an audit.purged event says so, up to that event.
  if (firstSeq !== undefined && firstSeq !== purgedThroughSeq + 1) {
    return { intact: false, brokenAtSeq: firstSeq, reason: 'events removed at the start without a purge record' }
  }
  if (firstSeq === undefined && previous === undefined && Number(head.seq) !== 0) {
    return { intact: false, brokenAtSeq: 1, reason: 'every event removed' }
  }
  return { intact: true, events: count }
}

const purgeEventType = 'audit.purged'

function purgedThrough (details: string | null): number {
  try {
    const value = (JSON.parse(details ?? '{}') as { throughSeq?: unknown }).throughSeq
    return typeof value === 'number' ? value : 0
  } catch {
    return 0
  }
}

/** The first instant still kept: `months` calendar months before now (UTC). */
export function auditRetentionCutoff (now: number, months: number): number {
  const cutoff = new Date(now)
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months)
  return cutoff.getTime()
}

export type PurgeResult = { removed: number; throughSeq: number; cutoff: number }

/**
 * Deletes the events older than the retention, from the start of the chain only (up to the last
 * event before the first one still within retention), and records `audit.purged` in the same
 * transaction. Never removes an event after one that is kept, so the chain stays verifiable.
 */
export async function purgeAuditEvents (db: Db, now: number, retentionMonths: number, meta: { actorRole?: string } = {}): Promise<PurgeResult> {
  const cutoff = auditRetentionCutoff(now, retentionMonths)
  return db.transaction().execute(async (tx) => {
    const firstKept = await tx.selectFrom('audit_event').select((eb) => eb.fn.min('seq').as('seq')).where('at', '>=', cutoff).executeTakeFirst()
    const last = await tx.selectFrom('audit_event').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst()
    const throughSeq = firstKept?.seq !== null && firstKept?.seq !== undefined ? Number(firstKept.seq) - 1 : Number(last?.seq ?? 0)
    const deleted = await tx.deleteFrom('audit_event').where('seq', '<=', throughSeq).executeTakeFirst()
    const removed = Number(deleted.numDeletedRows)
    await recordEvent(tx, {
      type: purgeEventType, actorRole: meta.actorRole ?? 'cli', hospitalId: null,
      details: { throughSeq, removed, cutoff: new Date(cutoff).toISOString(), retentionMonths },
    }, now)
    return { removed, throughSeq, cutoff }
  })
}
