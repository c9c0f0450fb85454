/**
 * Single-use links (email confirmation, unlock, password reset, email change). The raw token
 * goes into the email; the database keeps its digest. Issuing a token voids the account's older
 * ones of the same purpose; consuming is one conditional UPDATE, so of two parallel uses exactly
 * one wins. An email-change link also records who asked it (admin guide §3.3), and
 * `voidPendingEmailChanges` ends it when the account or its requester changes status, role or sites.
 */
import type { Db } from '../db/database.ts'
import type { TokenPurpose } from '../db/schema.ts'
import { digestToken, issueToken, isWellFormedToken } from '../security/tokens.ts'

export async function issueAccountToken (tx: Db, accountId: string, purpose: TokenPurpose, ttl: number, now: number, payload: string | null = null, requestedBy: string | null = null): Promise<string> {
  await tx.updateTable('account_token').set({ used_at: now })
    .where('account_id', '=', accountId).where('purpose', '=', purpose).where('used_at', 'is', null)
    .execute()
  const { token, digest } = issueToken()
  await tx.insertInto('account_token').values({
    digest, account_id: accountId, purpose, created_at: now, expires_at: now + ttl, used_at: null, payload, requested_by: requestedBy,
  }).execute()
  return token
}

export interface ConsumedToken { accountId: string; payload: string | null; requestedBy: string | null }

/** Marks the token used and returns its account, or undefined when unknown, used, expired or of another purpose. */
export async function consumeAccountToken (tx: Db, token: unknown, purpose: TokenPurpose, now: number): Promise<ConsumedToken | undefined> {
  if (!isWellFormedToken(token)) return undefined
  const row = await tx.updateTable('account_token').set({ used_at: now })
    .where('digest', '=', digestToken(token)).where('purpose', '=', purpose)
    .where('used_at', 'is', null).where('expires_at', '>', now)
    .returning(['account_id', 'payload', 'requested_by'])
    .executeTakeFirst()
  return row ? { accountId: row.account_id, payload: row.payload, requestedBy: row.requested_by } : undefined
}

/** Whether a token would be accepted now, without using it (to show its form on GET). */
export async function isAccountTokenUsable (db: Db, token: unknown, purpose: TokenPurpose, now: number): Promise<boolean> {
  if (!isWellFormedToken(token)) return false
  const row = await db.selectFrom('account_token').select('account_id')
    .where('digest', '=', digestToken(token)).where('purpose', '=', purpose)
    .where('used_at', 'is', null).where('expires_at', '>', now)
    .executeTakeFirst()
  return row !== undefined
}

/**
 * Voids the pending email-change links that concern this account, as the account changed or as
 * the one who asked them: call it in the transaction of every change of an account's status, role
 * or sites. What allowed the change was checked when it was asked; a link must not outlive it
 * (admin guide §3.3, §4, §5). Returns the new addresses that the account's own voided links
 * would have confirmed (for the audit row and the notice).
 */
export async function voidPendingEmailChanges (tx: Db, accountId: string, now: number): Promise<string[]> {
  const voided = await tx.updateTable('account_token').set({ used_at: now })
    .where('purpose', '=', 'emailChange').where('used_at', 'is', null)
    .where((eb) => eb.or([eb('account_id', '=', accountId), eb('requested_by', '=', accountId)]))
    .returning(['account_id', 'payload', 'expires_at'])
    .execute()
  return voided.filter((row) => row.account_id === accountId && Number(row.expires_at) > now && row.payload !== null)
    .map((row) => row.payload as string)
}
