/**
 * The journal's reads (ASVS 16.2, docs/security.md « Audit trail »). Every read starts from `selectVisibleEvents`: an
 * account manager sees the events recorded for their hospitals and the events about users who
 * hold a site in them; a super-administrator sees everything. Explicit columns, both engines.
 */
import { sql } from 'kysely'
import type { Db } from '../../kernel/db/database.ts'
import { emailSearchTerm, escapeLike } from '../../kernel/text.ts'
import { selectAccountSites } from '../../kernel/accounts/account-sites.ts'

export interface AuditViewer {
  id: string
  isSuperadmin: boolean
  /** Hospitals whose « Site administrateur comptes » the viewer holds. */
  hospitalIds: readonly string[]
}

export interface AuditFilters {
  /** Part of the actor's or the target's email address. */
  user?: string
  type?: string
  /** Inclusive lower bound, epoch ms. */
  from?: number
  /** Exclusive upper bound, epoch ms. */
  until?: number
}

/**
 * Events that tell about an existing account without its hospital having chosen to be involved
 * (an anonymous registration on its address): an account manager sees them only when that
 * account is one of their users, never through the hospital the event was filed under (rows
 * written before the registration filed them under the account's own hospital named the
 * visitor's choice).
 */
const eventsSeenThroughTheirTarget = ['account.registrationAttemptOnExistingEmail']

export function selectVisibleEvents (db: Db, viewer: AuditViewer) {
  const query = db.selectFrom('audit_event')
  if (viewer.isSuperadmin) return query
  if (viewer.hospitalIds.length === 0) return query.where(sql<boolean>`1 = 0`)
  const hospitals = [...viewer.hospitalIds]
  const usersOfHospitals = selectAccountSites(db)
    .select('account_site.account_id')
    .where('site.hospital_id', 'in', hospitals)
  return query.where((eb) => eb.or([
    eb.and([eb('audit_event.hospital_id', 'in', hospitals), eb('audit_event.type', 'not in', eventsSeenThroughTheirTarget)]),
    eb('audit_event.target_id', 'in', usersOfHospitals),
  ]))
}

function selectFilteredEvents (db: Db, viewer: AuditViewer, filters: AuditFilters) {
  let query = selectVisibleEvents(db, viewer)
  if (filters.type) query = query.where('audit_event.type', '=', filters.type)
  if (filters.from !== undefined) query = query.where('audit_event.at', '>=', filters.from)
  if (filters.until !== undefined) query = query.where('audit_event.at', '<', filters.until)
  const user = filters.user ? emailSearchTerm(filters.user) : ''
  if (user !== '') {
    const matching = db.selectFrom('account').select('account.id')
      .where(sql<boolean>`account.email like ${`%${escapeLike(user)}%`} escape '\\'`)
    query = query.where((eb) => eb.or([eb('audit_event.actor_id', 'in', matching), eb('audit_event.target_id', 'in', matching)]))
  }
  return query
}

export interface ListedEvent {
  seq: number
  at: number
  type: string
  outcome: string
  actorRole: string | null
  actorId: string | null
  actorEmail: string | null
  targetId: string | null
  targetEmail: string | null
  hospitalName: string | null
  ip: string | null
  userAgent: string | null
  details: string | null
}

/** One page of events, newest first; `limit + 1` rows are read to know whether a next page exists. */
export async function listAuditEvents (db: Db, viewer: AuditViewer, filters: AuditFilters, page: { limit: number; offset: number }): Promise<ListedEvent[]> {
  const rows = await selectFilteredEvents(db, viewer, filters)
    .leftJoin('account as actor', 'actor.id', 'audit_event.actor_id')
    .leftJoin('account as target', 'target.id', 'audit_event.target_id')
    .leftJoin('hospital', 'hospital.id', 'audit_event.hospital_id')
    .select([
      'audit_event.seq', 'audit_event.at', 'audit_event.type', 'audit_event.outcome', 'audit_event.actor_role',
      'audit_event.actor_id', 'actor.email as actor_email', 'audit_event.target_id', 'target.email as target_email',
      'hospital.name as hospital_name', 'audit_event.ip', 'audit_event.user_agent', 'audit_event.details',
    ])
    .orderBy('audit_event.seq', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute()
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: Number(r.at),
    type: r.type,
    outcome: r.outcome,
    actorRole: r.actor_role,
    actorId: r.actor_id,
    actorEmail: r.actor_email,
    targetId: r.target_id,
    targetEmail: r.target_email,
    hospitalName: r.hospital_name,
    ip: r.ip,
    userAgent: r.user_agent,
    details: r.details,
  }))
}
