/**
 * Access ends where the records are: when an account's rights change under it (deactivation, a
 * site removed, its email changed, its password reset or changed), every application that signed
 * it in through the OpenID Connect provider must forget it. Inside the caller's transaction:
 * - a back-channel logout is queued for every client where the account has a provider session
 *   (table oidc_logout_outbox, delivered by features/openid-provider/back-channel-logout.ts with
 *   retries, one claim at a time, like the mail outbox: a rolled-back change sends nothing);
 * - the provider's sessions, grants, codes, access and refresh tokens of the account are deleted:
 *   a refresh token presented afterwards is refused, and the next sign-in reads the new rights.
 * Here, not in the provider's feature, because three features change accounts this way (rule 15).
 */
import { randomUUID } from 'node:crypto'
import type { Db } from '../db/database.ts'
import { recordEvent } from '../audit/audit-trail.ts'

export type AccessEndReason = 'deactivated' | 'siteRemoved' | 'emailChanged' | 'passwordReset' | 'passwordChanged'

interface SessionPayload { authorizations?: Record<string, { sid?: string }> }

/** Returns the clients sent a back-channel logout (none when the account signed in nowhere). */
export async function endAccessAtClients (tx: Db, accountId: string, reason: AccessEndReason, now: number): Promise<string[]> {
  const sessions = await tx.selectFrom('oidc_payload').select('payload')
    .where('model', '=', 'Session').where('account_id', '=', accountId)
    .execute()
  const sidsByClient = new Map<string, Set<string>>()
  for (const session of sessions) {
    const payload = JSON.parse(session.payload) as SessionPayload
    for (const [clientId, authorization] of Object.entries(payload.authorizations ?? {})) {
      const sids = sidsByClient.get(clientId) ?? new Set<string>()
      if (authorization.sid) sids.add(authorization.sid)
      sidsByClient.set(clientId, sids)
    }
  }
  const clientIds = [...sidsByClient.keys()]
  const listening = clientIds.length === 0
    ? []
    : (await tx.selectFrom('oidc_client').select('id')
        .where('id', 'in', clientIds).where('backchannel_logout_uri', 'is not', null).where('disabled_at', 'is', null)
        .execute()).map((c) => c.id)
  for (const clientId of listening) {
    for (const sid of sidsByClient.get(clientId) ?? []) {
      await tx.insertInto('oidc_logout_outbox').values({
        id: randomUUID(), client_id: clientId, account_id: accountId, sid, reason, created_at: now,
        status: 'pending', attempts: 0, next_attempt_at: now, claimed_until: null, sent_at: null, last_error: null,
      }).execute()
    }
  }
  const revoked = await tx.deleteFrom('oidc_payload').where('account_id', '=', accountId).executeTakeFirst()
  if (clientIds.length > 0 || Number(revoked.numDeletedRows) > 0) {
    await recordEvent(tx, {
      type: 'oidc.accessEnded', targetId: accountId, details: { reason, clients: clientIds, backChannelLogouts: listening },
    }, now)
  }
  return listening
}
