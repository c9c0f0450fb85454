/**
 * The audit trail's writing side (presentation: traceability of who did what; health-data
 * rules): an append-only record of security-relevant events, written in the same transaction as
 * the change it records. A sealer (audit-seal.ts) then chains the committed events: each sealed
 * event's hash covers its content and the previous one's hash, so an edited, removed or moved
 * row breaks the chain (features/audit verifies it, shows it and applies the retention). Writing
 * takes no lock shared by all audited transactions. Never pass a password, code, token or
 * session id in `details`.
 *
 * `recordEvent` completes what a feature leaves out: the actor's role (superadmin,
 * accountManager or user) when only the actor is given, and the target's hospital when no
 * hospital is given (`hospitalId: null` means « none » and is kept). The viewer scopes on it.
 * The completion is part of the event's one insert statement.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { PostgresAdapter, sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { compiledOnce } from '../db/compiled.ts'
import { selectAccountAdministrationSite } from '../accounts/accounts.ts'
import { selectAccountSites } from '../accounts/account-sites.ts'

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
  const completesRole = event.actorRole === undefined && Boolean(event.actorId)
  const completesHospital = event.hospitalId === undefined && Boolean(event.targetId)
  await insertEvent(
    tx, randomUUID(), now, event.type, event.actorId ?? null, event.targetId ?? null,
    completesRole ? 1 : 0, event.actorRole ?? null, completesHospital ? 1 : 0, event.hospitalId ?? null,
    neutralizeText(event.ip, 64), neutralizeText(event.userAgent, 300), event.outcome ?? 'success',
    event.details ? neutralizeText(JSON.stringify(event.details), 4000) : null,
  )
}

/**
 * One statement: the event, its role and hospital completed by subqueries when asked (see the
 * top of this module), and its `seq`. The `completes…` flags are 1 or 0 (SQLite binds no
 * booleans); a subquery in a branch not taken is not run (nor taken when its id is null).
 */
const insertEvent = compiledOnce((db: Db, id: string, at: number, type: string, actorId: string | null, targetId: string | null,
  completesRole: number, actorRole: string | null, completesHospital: number, hospitalId: string | null,
  ip: string | null, userAgent: string | null, outcome: string, details: string | null) =>
  db.insertInto('audit_event').values({
    id, at, type, actor_id: actorId, target_id: targetId, ip, user_agent: userAgent, outcome, details, seq: nextSeq(db),
    actor_role: sql<string | null>`case when ${completesRole} = 1 then ${actorRoleOf(db, actorId as string)} else ${actorRole} end`,
    hospital_id: sql<string | null>`case when ${completesHospital} = 1 then ${hospitalOf(db, targetId as string)} else ${hospitalId} end`,
  }))

/**
 * The order of writing, taken without a lock: PostgreSQL's sequence, or on SQLite (whose writers
 * take turns) the number after the highest. The chain's place comes later (audit-seal.ts).
 */
function nextSeq (tx: Db) {
  return tx.getExecutor().adapter instanceof PostgresAdapter
    ? sql<number>`nextval('audit_event_seq')`
    : sql<number>`(select coalesce(max(seq), 0) + 1 from audit_event)`
}

/** superadmin, accountManager if the account holds an account-manager site, else user; no row (null) for an unknown id. */
function actorRoleOf (db: Db, actorId: string) {
  return db.selectFrom('account')
    .select(sql<string>`case when is_superadmin = 1 then 'superadmin' when exists ${selectAccountAdministrationSite(db, actorId)} then 'accountManager' else 'user' end`.as('role'))
    .where('id', '=', actorId)
}

/** The target's hospital: the first by id when it has sites in several (the viewer also scopes by sites). */
function hospitalOf (db: Db, targetId: string) {
  return selectAccountSites(db)
    .select('site.hospital_id')
    .where('account_site.account_id', '=', targetId)
    .orderBy('site.hospital_id')
    .limit(1)
}

/** The hash of a sealed event: `seq` is its chain place, `previous_hash` the hash before it. */
export function chainHash (row: Record<string, unknown> & { previous_hash: string }): string {
  const fields = ['seq', 'at', 'type', 'actor_id', 'actor_role', 'target_id', 'hospital_id', 'ip', 'user_agent', 'outcome', 'details']
  const content = JSON.stringify(fields.map((f) => row[f] ?? null))
  return createHash('sha256').update(`${row.previous_hash}\n${content}`).digest('hex')
}

