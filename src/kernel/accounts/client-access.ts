/**
 * Access ends where the records are: when an account's rights change under it (deactivation, a
 * site removed or archived, its hospital archived, its email changed, its password reset or
 * changed, the account deleted), every application that signed it in through the OpenID Connect
 * provider must forget it; and when someone logs out of the portal (« Déconnexion »), the
 * provider session of that browser ends with it: one logout for the portal and its clients
 * (user guide §3.4). Inside the caller's transaction:
 * - a back-channel logout is queued for every client of the provider sessions ended (table
 *   oidc_logout_outbox, delivered by features/openid-provider/back-channel-logout.ts with
 *   retries, one claim at a time, like the mail outbox: a rolled-back change sends nothing);
 * - those sessions, their grants, codes, access and refresh tokens are deleted: a refresh token
 *   presented afterwards is refused, and the next sign-in reads the new rights.
 * Here, not in the provider's feature, because several features end access this way (rule 15).
 */
import { randomUUID } from 'node:crypto'
import type { SelectQueryBuilder } from 'kysely'
import type { Db } from '../db/database.ts'
import type { Database } from '../db/schema.ts'
import { recordEvent } from '../audit/audit-trail.ts'
import { digestToken } from '../security/tokens.ts'

export type AccessEndReason = 'deactivated' | 'siteRemoved' | 'emailChanged' | 'passwordReset' | 'passwordChanged' | 'accountDeleted'
  | 'siteArchived' | 'hospitalArchived' | 'loggedOut'

/** The provider's session cookie (oidc-provider's `cookies.names.session`): its value is the session's id. */
export const providerSessionCookie = '_session'

interface SessionPayload { authorizations?: Record<string, { sid?: string; grantId?: string }> }

/** Ends every provider session of the account. */
export async function endAccessAtClients (tx: Db, accountId: string, reason: AccessEndReason, now: number): Promise<void> {
  await endAccessOfAccounts(tx, [accountId], reason, now)
}

/**
 * A site or a hospital archived: its sites leave the claims (claims.ts), so every holder signs in
 * again. A hospital has hundreds of accounts: their provider rows are read and deleted in one
 * statement each, not account by account, inside the archiving's transaction.
 */
export async function endAccessOfSiteHolders (tx: Db, siteIds: string[], reason: 'siteArchived' | 'hospitalArchived', now: number): Promise<void> {
  if (siteIds.length === 0) return
  await endAccessOfAccounts(tx, tx.selectFrom('account_site').select('account_site.account_id').where('account_site.site_id', 'in', siteIds), reason, now)
}

/** The accounts' provider rows deleted; per account that had any, its clients told and the end audited. */
async function endAccessOfAccounts (tx: Db, accounts: string[] | SelectQueryBuilder<Database, 'account_site', { account_id: string }>, reason: AccessEndReason, now: number): Promise<void> {
  const rows = await tx.selectFrom('oidc_payload').select(['account_id', 'model', 'payload'])
    .where('account_id', 'in', accounts).execute()
  if (rows.length === 0) return
  await tx.deleteFrom('oidc_payload').where('account_id', 'in', accounts).execute()
  const sessionsByAccount = new Map<string, SessionPayload[]>()
  for (const row of rows) {
    const sessions = sessionsByAccount.get(row.account_id as string) ?? []
    if (row.model === 'Session') sessions.push(JSON.parse(row.payload) as SessionPayload)
    sessionsByAccount.set(row.account_id as string, sessions)
  }
  for (const [accountId, sessions] of sessionsByAccount) {
    await recordAccessEnded(tx, accountId, reason, await queueLogouts(tx, accountId, sessions, reason, now), now)
  }
}

/**
 * Ends the provider session a browser holds (the value of its providerSessionCookie), whoever's
 * it is: someone logged out of the portal in that browser. Its grants go with it, and with them
 * the tokens its clients were given; the other browsers' sessions of the account are kept.
 */
export async function endBrowserProviderSession (tx: Db, providerSessionId: string, now: number): Promise<void> {
  const digest = digestToken(providerSessionId)
  const session = await tx.selectFrom('oidc_payload').select(['payload', 'account_id'])
    .where('model', '=', 'Session').where('id_digest', '=', digest).executeTakeFirst()
  if (!session) return
  const payload = JSON.parse(session.payload) as SessionPayload
  const grantIds = Object.values(payload.authorizations ?? {}).flatMap((a) => a.grantId ?? [])
  await tx.deleteFrom('oidc_payload').where((eb) => eb.or([
    eb.and([eb('model', '=', 'Session'), eb('id_digest', '=', digest)]),
    ...grantIds.length === 0
      ? []
      : [eb('grant_id', 'in', grantIds), eb.and([eb('model', '=', 'Grant'), eb('id_digest', 'in', grantIds.map(digestToken))])],
  ])).execute()
  // A session nobody signed in to yet (an authorization request left at the login) told no client anything.
  if (!session.account_id) return
  const ended = await queueLogouts(tx, session.account_id, [payload], 'loggedOut', now)
  if (ended.clients.length > 0) await recordAccessEnded(tx, session.account_id, 'loggedOut', ended, now)
}

interface EndedAccess { clients: string[]; listening: string[] }

/** One back-channel logout per client and session id, for the clients that registered a back-channel URI. */
async function queueLogouts (tx: Db, accountId: string, sessions: SessionPayload[], reason: AccessEndReason, now: number): Promise<EndedAccess> {
  const sidsByClient = new Map<string, Set<string>>()
  for (const session of sessions) {
    for (const [clientId, authorization] of Object.entries(session.authorizations ?? {})) {
      const sids = sidsByClient.get(clientId) ?? new Set<string>()
      if (authorization.sid) sids.add(authorization.sid)
      sidsByClient.set(clientId, sids)
    }
  }
  const clients = [...sidsByClient.keys()]
  const listening = clients.length === 0
    ? []
    : (await tx.selectFrom('oidc_client').select('id')
        .where('id', 'in', clients).where('backchannel_logout_uri', 'is not', null).where('disabled_at', 'is', null)
        .execute()).map((c) => c.id)
  for (const clientId of listening) {
    for (const sid of sidsByClient.get(clientId) ?? []) {
      await tx.insertInto('oidc_logout_outbox').values({
        id: randomUUID(), client_id: clientId, account_id: accountId, sid, reason, created_at: now,
        status: 'pending', attempts: 0, next_attempt_at: now, claimed_until: null, sent_at: null, last_error: null,
      }).execute()
    }
  }
  return { clients, listening }
}

async function recordAccessEnded (tx: Db, accountId: string, reason: AccessEndReason, ended: EndedAccess, now: number) {
  await recordEvent(tx, {
    type: 'oidc.accessEnded', targetId: accountId, details: { reason, clients: ended.clients, backChannelLogouts: ended.listening },
  }, now)
}
