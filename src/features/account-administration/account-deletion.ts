/**
 * Definitive deletion of an account (admin guide §3.3: « Vous pouvez contacter l'équipe de la
 * BNDMR pour demander la suppression définitive des comptes erronés »): super-administrators
 * only, after typing the account's email. The account, its sites, sessions, login challenges and
 * tokens are removed (the applications it signed in to get a back-channel logout), with the
 * emails queued or kept for its address; the audit trail keeps a pseudonymous trace (the random
 * id, never the name or address in the deletion event). Older
 * audit events that quote the address (an email change's before → after) stay until the audit
 * retention purges them: the hash chain cannot be edited (docs/security.md).
 */
import { normalizeEmail } from '../../kernel/text.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { accountStatus } from '../../kernel/accounts/accounts.ts'
import { endAccessAtClients } from '../../kernel/accounts/client-access.ts'
import type { Manager } from '../../kernel/accounts/managed-accounts.ts'
import type { ManagedAccount, ScopeRefusal } from './hospital-scope.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'
import { withManagedAccount, type ConsoleActor, type ScopeRefused } from './account-actions.ts'

export type DeletionResult =
  | { outcome: 'deleted' }
  | { outcome: 'confirmationMismatch' }
  | ScopeRefused

/**
 * The typed address confirms the deletion in its canonical form, or exactly as stored: an account
 * migration 0008 left with a non-canonical address (a collision to settle) must stay deletable.
 */
function confirmsAddress (typed: string, stored: string): boolean {
  return normalizeEmail(typed) === stored || typed.trim().toLowerCase() === stored
}

/** Only a super-administrator deletes, never their own account. */
function refusalToDelete (manager: Manager, account: ManagedAccount): ScopeRefusal | undefined {
  if (!manager.isSuperadmin) return 'protectedAccount'
  if (account.id === manager.id) return 'selfDeletion'
  return undefined
}

export async function deleteAccountDefinitively (ctx: FlowContext, actor: ConsoleActor, accountId: unknown, typedEmail: string): Promise<DeletionResult> {
  return withManagedAccount(ctx, actor, accountId, { allowed: refusalToDelete }, async (tx, account, now) => {
    if (!confirmsAddress(typedEmail, account.email)) return { outcome: 'confirmationMismatch' } as const
    // The provider's rows name the account without a foreign key: its applications are told and its tokens go first.
    await endAccessAtClients(tx, account.id, 'accountDeleted', now)
    await tx.deleteFrom('account').where('id', '=', account.id).execute()
    // Personal data goes with the account: the emails queued or kept for this address too.
    await tx.deleteFrom('outbox').where('recipient', '=', account.email).execute()
    await recordEvent(tx, {
      type: 'admin.accountDeleted',
      actorId: actor.manager.id,
      actorRole: 'superadmin',
      targetId: account.id,
      hospitalId: account.hospitalIds[0] ?? null,
      ...actor.meta,
      details: { hospitalIds: account.hospitalIds, statusBefore: accountStatus(account) },
    }, now)
    return { outcome: 'deleted' } as const
  })
}
