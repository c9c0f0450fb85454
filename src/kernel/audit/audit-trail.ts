/**
 * The audit trail's writing side (presentation: traceability of who did what; health-data
 * rules): an append-only record of security-relevant events, written in the same transaction as
 * the change it records. Each event's hash covers its content and the previous event's hash, so
 * an edited or deleted row breaks the chain (features/audit verifies it, shows it and applies the
 * retention). Never pass a password, code, token or session id in `details`.
 *
 * `recordEvent` completes what a feature leaves out: the actor's role (superadmin,
 * accountManager or user) when only the actor is given, and the target's hospital when no
 * hospital is given (`hospitalId: null` means « none » and is kept). The viewer scopes on it.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { Db } from '../db/database.ts'
import { selectAccountAdministrationSite } from '../accounts/accounts.ts'

/** Where a request came from, as every audited flow records it. */
export interface RequestMeta {
  ip: string | null
  userAgent: string | null
}

/** For flows run without a request (the command line, scheduled jobs). */
export const noRequestMeta: RequestMeta = { ip: null, userAgent: null }

/** The one way to read a request's origin for the audit trail. */
export function requestMeta (request: FastifyRequest): RequestMeta {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null }
}

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

