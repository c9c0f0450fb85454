/**
 * The audit trail's verification and retention (health-data rules: kept
 * rules.auditRetentionMonths). Events are written by kernel/audit/audit-trail.ts and chained by
 * kernel/audit/audit-seal.ts.
 *
 * Retention (`purgeAuditEvents`): events older than rules.auditRetentionMonths are deleted from
 * the start of the chain only, and an `audit.purged` event records up to which event; the
 * verification then accepts exactly that gap at the start and no other.
 */
import type { Db } from '../../kernel/db/database.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'
import { chainHash, recordEvent } from '../../kernel/audit/audit-trail.ts'
import { readUnsealedEvents, sealAuditEvents, sealPendingEvents } from '../../kernel/audit/audit-seal.ts'

/**
 * `events`: sealed events verified. `unsealed`: events written but not chained yet (the sealer
 * chains them within seconds; until then they are not protected, and are reported as such).
 */
export type ChainVerification =
  | { intact: true; events: number; unsealed: number }
  | { intact: false; brokenAtSeq: number; reason: string; unsealed: number }

/** Re-computes every sealed event's hash in chain order; names the first place altered. */
export async function verifyAuditChain (db: Db): Promise<ChainVerification> {
  const { events: unsealed } = await readUnsealedEvents(db)
  const result = await verifySealedEvents(db)
  return { ...result, unsealed }
}

async function verifySealedEvents (db: Db): Promise<{ intact: true; events: number } | { intact: false; brokenAtSeq: number; reason: string }> {
  let previous: { seq: number; hash: string } | undefined
  let firstSeq: number | undefined
  let purgedThroughSeq = 0
  let count = 0
  const pageSize = 1000
  for (;;) {
    let query = db.selectFrom('audit_event').selectAll().where('chain_seq', 'is not', null).orderBy('chain_seq').limit(pageSize)
    if (previous) query = query.where('chain_seq', '>', previous.seq)
    const rows = await query.execute()
    for (const row of rows) {
      const seq = Number(row.chain_seq)
      // Purged events leave a gap at the start only; inside the chain every link must hold.
      if (previous && (seq !== previous.seq + 1 || row.chain_previous_hash !== previous.hash)) {
        return { intact: false, brokenAtSeq: seq, reason: 'link to the previous event broken (event removed or reordered)' }
      }
      if (chainHash({ ...row, seq, previous_hash: row.chain_previous_hash ?? '' }) !== row.chain_hash) {
        return { intact: false, brokenAtSeq: seq, reason: 'content altered' }
      }
      if (row.type === purgeEventType) purgedThroughSeq = Math.max(purgedThroughSeq, purgedThrough(row.details))
      firstSeq ??= seq
      previous = { seq, hash: row.chain_hash ?? '' }
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
 * Seals first (only sealed events are purged) and seals the purge record before committing, so
 * that the gap it explains is never seen without it.
 */
export async function purgeAuditEvents (ctx: FlowContext): Promise<PurgeResult> {
  const { db } = ctx
  const now = ctx.clock.now()
  const retentionMonths = ctx.rules.auditRetentionMonths
  const cutoff = auditRetentionCutoff(now, retentionMonths)
  await sealAuditEvents(db)
  return db.transaction().execute(async (tx) => {
    await sealPendingEvents(tx)
    const firstKept = await tx.selectFrom('audit_event').select((eb) => eb.fn.min('chain_seq').as('seq')).where('at', '>=', cutoff).executeTakeFirst()
    const last = await tx.selectFrom('audit_event').select((eb) => eb.fn.max('chain_seq').as('seq')).executeTakeFirst()
    const throughSeq = firstKept?.seq !== null && firstKept?.seq !== undefined ? Number(firstKept.seq) - 1 : Number(last?.seq ?? 0)
    const deleted = await tx.deleteFrom('audit_event').where('chain_seq', '<=', throughSeq).executeTakeFirst()
    const removed = Number(deleted.numDeletedRows)
    await recordEvent(tx, {
      type: purgeEventType, actorRole: 'cli', hospitalId: null,
      details: { throughSeq, removed, cutoff: new Date(cutoff).toISOString(), retentionMonths },
    }, now)
    await sealPendingEvents(tx)
    return { removed, throughSeq, cutoff }
  })
}
