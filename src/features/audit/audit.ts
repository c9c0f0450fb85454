/**
 * Audit trail: an append-only record of security-relevant events, written in the same
 * transaction as the change it records. Each event's hash covers its content and the previous
 * event's hash, so an edited or deleted row breaks the chain (see `verifyAuditChain`).
 * Never pass a password, code, token or session id in `details`.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { Db } from '../../kernel/db/database.ts'

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
    actor_role: event.actorRole ?? null,
    target_id: event.targetId ?? null,
    hospital_id: event.hospitalId ?? null,
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

export function chainHash (row: Record<string, unknown> & { previous_hash: string }): string {
  const fields = ['seq', 'at', 'type', 'actor_id', 'actor_role', 'target_id', 'hospital_id', 'ip', 'user_agent', 'outcome', 'details']
  const content = JSON.stringify(fields.map((f) => row[f] ?? null))
  return createHash('sha256').update(`${row.previous_hash}\n${content}`).digest('hex')
}

export type ChainVerification = { intact: true; events: number } | { intact: false; brokenAtSeq: number; reason: string }

/** Re-computes every hash in order; names the first event whose link or content was altered. */
export async function verifyAuditChain (db: Db): Promise<ChainVerification> {
  let previous: { seq: number; hash: string } | undefined
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
      previous = { seq, hash: row.hash }
      count++
    }
    if (rows.length < pageSize) break
  }
  const head = await db.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow()
  if (previous && (Number(head.seq) !== previous.seq || head.hash !== previous.hash)) {
    return { intact: false, brokenAtSeq: previous.seq + 1, reason: 'latest events removed' }
  }
  return { intact: true, events: count }
}
