/**
 * Sessions: user guide §3.4 « Session expirée » and « Se déconnecter ».
 * A session exists only after the password and the emailed code. Its id is 256 random bits,
 * new at every login (no fixation), stored as a digest. The cookie has no expiry date, so
 * closing the browser ends it; the server ends it after rules.sessionIdleTimeout without
 * activity and after rules.sessionAbsoluteTimeout in any case.
 */
import { compiledOnce } from '../../kernel/db/compiled.ts'
import type { Db } from '../../kernel/db/database.ts'
import type { Rules } from '../../config.ts'
import type { CurrentAccount } from '../../kernel/web/context.ts'
import { selectManagingSite } from '../../kernel/accounts/accounts.ts'
import { digestToken, issueToken } from '../../kernel/security/tokens.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { noRequestMeta, type RequestMeta } from '../../kernel/audit/audit-trail.ts'

/** Activity is written at most this often (a tenth of the idle timeout when shorter): the idle timeout stays exact to within it. */
const touchInterval = 30_000

export interface SessionMeta { ip?: string | null; userAgent?: string | null }

/** Creates a session inside the caller's transaction; returns the raw token for the cookie. */
export async function createSession (tx: Db, accountId: string, now: number, meta: SessionMeta = {}): Promise<string> {
  const { token, digest } = issueToken()
  await insertSession(tx, digest, accountId, now, meta.ip?.slice(0, 64) ?? null, meta.userAgent?.slice(0, 300) ?? null)
  return token
}

const insertSession = compiledOnce((tx: Db, digest: string, accountId: string, now: number, ip: string | null, userAgent: string | null) =>
  tx.insertInto('session').values({ id_digest: digest, account_id: accountId, created_at: now, last_seen_at: now, ip, user_agent: userAgent }))

export type SessionLookup =
  /** timeLeft: until the idle timeout ends the session, if nothing else happens; startedAt: its login. */
  | { outcome: 'valid'; account: CurrentAccount; sessionDigest: string; timeLeft: number; startedAt: number }
  | { outcome: 'expired'; accountId: string }
  | { outcome: 'none' }

/**
 * Finds the live session for a cookie token and refreshes its activity. An expired session is
 * deleted; a session whose account is no longer active (deactivated) is deleted too. A lock
 * (user guide §3.5) does not end it: the lock stops new password logins only, as anyone who
 * knows the address can cause one. The applications it signed in to keep their sign-in past
 * its idle timeout: theirs is their own activity (refresh tokens, openid-provider/provider.ts),
 * so a doctor working in one is not logged out of it by a visit to the portal.
 */
export async function findLiveSession (db: Db, token: string, rules: Rules, now: number, meta: RequestMeta = noRequestMeta): Promise<SessionLookup> {
  const digest = digestToken(token)
  const { rows } = await selectSession(db, digest)
  const row = rows[0]
  if (!row) return { outcome: 'none' }
  const idle = now - Number(row.last_seen_at) > rules.sessionIdleTimeout
  const tooOld = now - Number(row.created_at) > rules.sessionAbsoluteTimeout
  const usable = row.activated_at !== null && row.deactivated_at === null && row.email_confirmed_at !== null
  if (idle || tooOld) {
    await endExpiredSession(db, digest, row.id, idle ? 'idle' : 'absolute', now, meta)
    return { outcome: 'expired', accountId: row.id }
  }
  if (!usable) {
    await db.deleteFrom('session').where('id_digest', '=', digest).execute()
    return { outcome: 'none' }
  }
  let lastSeen = Number(row.last_seen_at)
  if (now - lastSeen >= Math.min(touchInterval, rules.sessionIdleTimeout / 10)) {
    await touchSession(db, digest, now)
    lastSeen = now
  }
  return {
    outcome: 'valid',
    sessionDigest: digest,
    timeLeft: lastSeen + rules.sessionIdleTimeout - now,
    startedAt: Number(row.created_at),
    account: {
      id: row.id,
      email: row.email,
      civility: row.civility,
      firstName: row.first_name,
      lastName: row.last_name,
      isSuperadmin: row.is_superadmin === 1,
      managedHospitalIds: rows.flatMap((r) => r.managed_hospital_id ?? []),
    },
  }
}

/**
 * Read by every authenticated request, in one statement: the session, its account and the
 * hospitals it manages (as findManagedHospitalIds), one row per managed hospital or one row
 * with none.
 */
const selectSession = compiledOnce((db: Db, digest: string) => db.selectFrom('session')
  .innerJoin('account', 'account.id', 'session.account_id')
  .leftJoin('account_site as managing', (join) => join
    .onRef('managing.account_id', '=', 'account.id')
    .on((eb) => eb.exists(selectManagingSite(db, eb.ref('managing.site_id')))))
  .leftJoin('site as managed', 'managed.id', 'managing.site_id')
  .select(['session.created_at', 'session.last_seen_at', 'account.id', 'account.email', 'account.civility',
    'account.first_name', 'account.last_name', 'account.is_superadmin', 'account.activated_at',
    'account.deactivated_at', 'account.email_confirmed_at', 'managed.hospital_id as managed_hospital_id'])
  .where('session.id_digest', '=', digest))

/** Records activity now: « Rester connecté » (the expiry warning's button) renews the idle timeout. */
export async function touchSession (db: Db, digest: string, now: number): Promise<void> {
  await db.updateTable('session').set({ last_seen_at: now }).where('id_digest', '=', digest).execute()
}

/** Deletes an expired session and records `session.expired` once, even if requests race. */
async function endExpiredSession (db: Db, digest: string, accountId: string, reason: 'idle' | 'absolute', now: number, meta: RequestMeta): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const deleted = await tx.deleteFrom('session').where('id_digest', '=', digest).returning('account_id').executeTakeFirst()
    if (deleted) await recordEvent(tx, { type: 'session.expired', actorId: accountId, targetId: accountId, ip: meta.ip, userAgent: meta.userAgent, details: { reason } }, now)
  })
}

export async function destroySession (db: Db, token: string): Promise<string | undefined> {
  const row = await db.deleteFrom('session').where('id_digest', '=', digestToken(token)).returning('account_id').executeTakeFirst()
  return row?.account_id
}

/** Ends every session of an account (deactivation, password reset), except one if asked. */
export async function invalidateAccountSessions (tx: Db, accountId: string, options: { exceptToken?: string } = {}): Promise<void> {
  let query = tx.deleteFrom('session').where('account_id', '=', accountId)
  if (options.exceptToken) query = query.where('id_digest', '!=', digestToken(options.exceptToken))
  await query.execute()
}
