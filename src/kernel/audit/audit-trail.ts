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
import { selectAccountAdministrationSite } from '../../kernel/accounts/accounts.ts'

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
  const { actorRole, hospitalId } = await completeEvent(tx, event)
  const content = {
    id: randomUUID(),
    at: now,
    type: event.type,
    actor_id: event.actorId ?? null,
    actor_role: actorRole,
    target_id: event.targetId ?? null,
    hospital_id: hospitalId,
    ip: neutralizeText(event.ip, 64),
    user_agent: neutralizeText(event.userAgent, 300),
    outcome: event.outcome ?? 'success',
    details: event.details ? neutralizeText(JSON.stringify(event.details), 4000) : null,
  }
  const link = await linkToChain(tx, content)
  await tx.insertInto('audit_event').values({ ...content, ...link }).execute()
}

/**
 * The role and hospital the event leaves out, in one statement: the actor's role (superadmin,
 * accountManager if it holds an account-manager site, else user; null for an unknown id) and
 * the target's hospital (the first by id when it has sites in several; the viewer also scopes
 * by sites).
 */
async function completeEvent (tx: Db, event: AuditEvent): Promise<{ actorRole: string | null; hospitalId: string | null }> {
  const needsRole = event.actorRole === undefined && Boolean(event.actorId)
  const needsHospital = event.hospitalId === undefined && Boolean(event.targetId)
  const given = { actorRole: event.actorRole ?? null, hospitalId: event.hospitalId ?? null }
  if (!needsRole && !needsHospital) return given
  const actorId = event.actorId ?? ''
  const targetId = event.targetId ?? ''
  const row = await tx.selectNoFrom([
    tx.selectFrom('account').select('is_superadmin').where('id', '=', actorId).as('is_superadmin'),
    selectAccountAdministrationSite(tx, actorId).as('administration_site'),
    tx.selectFrom('account_site')
      .innerJoin('site', 'site.id', 'account_site.site_id')
      .select('site.hospital_id')
      .where('account_site.account_id', '=', targetId)
      .orderBy('site.hospital_id')
      .limit(1)
      .as('hospital_id'),
  ]).executeTakeFirstOrThrow()
  const role = row.is_superadmin === null ? null : row.is_superadmin === 1 ? 'superadmin' : row.administration_site !== null ? 'accountManager' : 'user'
  return {
    actorRole: needsRole ? role : given.actorRole,
    hospitalId: needsHospital ? row.hospital_id : given.hospitalId,
  }
}

/**
 * The head this process wrote last: usually still the head, so the next event links to it in
 * one conditional UPDATE. Only a guess: the UPDATE matches the stored seq and hash or changes
 * nothing (another instance or the CLI wrote since, or that transaction rolled back), and then
 * the head is taken the slow way.
 */
let lastWrittenHead: { seq: number; hash: string } | undefined

type ChainLink = { seq: number; previous_hash: string; hash: string }

/** Takes the next place in the chain (under the head's row lock until the caller commits). */
async function linkToChain (tx: Db, content: Record<string, unknown>): Promise<ChainLink> {
  const guess = lastWrittenHead
  if (guess) {
    const link = makeLink(content, guess)
    const updated = await tx.updateTable('audit_chain_head')
      .set({ seq: link.seq, hash: link.hash })
      .where('id', '=', 1).where('seq', '=', guess.seq).where('hash', '=', guess.hash)
      .executeTakeFirst()
    if (Number(updated.numUpdatedRows) === 1) return remember(link)
  }
  // Incrementing first takes the row lock, portably (SQLite has no SELECT … FOR UPDATE).
  const head = await tx.updateTable('audit_chain_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow()
  const link = makeLink(content, { seq: Number(head.seq) - 1, hash: head.hash })
  await tx.updateTable('audit_chain_head').set({ hash: link.hash }).where('id', '=', 1).execute()
  return remember(link)
}

function makeLink (content: Record<string, unknown>, previous: { seq: number; hash: string }): ChainLink {
  const seq = previous.seq + 1
  return { seq, previous_hash: previous.hash, hash: chainHash({ ...content, seq, previous_hash: previous.hash }) }
}

function remember (link: ChainLink): ChainLink {
  lastWrittenHead = { seq: link.seq, hash: link.hash }
  return link
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
