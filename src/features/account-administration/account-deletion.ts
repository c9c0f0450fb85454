/**
 * Definitive deletion of an account (admin guide §3.3: « Vous pouvez contacter l'équipe de la
 * BNDMR pour demander la suppression définitive des comptes erronés »): super-administrators
 * only, after typing the account's email. The account, its sites, sessions, login challenges and
 * tokens are removed, with the emails queued or kept for its address; the audit trail keeps a
 * pseudonymous trace (the random id, never the name or address in the deletion event). Older
 * audit events that quote the address (an email change's before → after) stay until the audit
 * retention purges them: the hash chain cannot be edited (docs/security.md).
 */
import { normalizeEmail } from '../../kernel/text.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { accountStatus } from '../../kernel/accounts/accounts.ts'
import type { ConsoleContext, Refusal } from './account-actions.ts'
import { requireManagedAccount } from './hospital-scope.ts'

export type DeletionResult =
  | { outcome: 'deleted' }
  | { outcome: 'confirmationMismatch' }
  | Extract<Refusal, { status: 403 }>

/**
 * The typed address confirms the deletion in its canonical form, or exactly as stored: an account
 * migration 0008 left with a non-canonical address (a collision to settle) must stay deletable.
 */
function confirmsAddress (typed: string, stored: string): boolean {
  return normalizeEmail(typed) === stored || typed.trim().toLowerCase() === stored
}

export async function deleteAccountDefinitively (ctx: ConsoleContext, accountId: unknown, typedEmail: string): Promise<DeletionResult> {
  return ctx.db.transaction().execute(async (tx) => {
    const account = await requireManagedAccount(tx, ctx.manager, accountId)
    if (!ctx.manager.isSuperadmin) return { outcome: 'refused', status: 403, scope: 'protectedAccount' } as const
    if (account.id === ctx.manager.id) return { outcome: 'refused', status: 403, scope: 'selfDeletion' } as const
    if (!confirmsAddress(typedEmail, account.email)) return { outcome: 'confirmationMismatch' } as const
    await tx.deleteFrom('account').where('id', '=', account.id).execute()
    // Personal data goes with the account: the emails queued or kept for this address too.
    await tx.deleteFrom('outbox').where('recipient', '=', account.email).execute()
    await recordEvent(tx, {
      type: 'admin.accountDeleted',
      actorId: ctx.manager.id,
      actorRole: 'superadmin',
      targetId: account.id,
      hospitalId: account.hospitalIds[0] ?? null,
      ip: ctx.meta.ip,
      userAgent: ctx.meta.userAgent,
      details: { hospitalIds: account.hospitalIds, statusBefore: accountStatus(account) },
    }, ctx.now)
    return { outcome: 'deleted' } as const
  })
}
