/**
 * The « Actions » menu: admin guide §4 « Activer un compte utilisateur », §5 « Désactiver un
 * compte utilisateur », §6 « Renvoyer la demande de validation de l'adresse email », §7
 * « Renvoyer l'email de déverrouillage de compte ».
 *
 * Each action is allowed only in the states the guide gives, checked again on the server inside
 * the transaction that changes the state (a conditional UPDATE, so two parallel clicks change it
 * once). Out of scope → the same 404 as a missing account; escalation → 403; wrong state → 409.
 * A refusal changes nothing. Each change writes its email and its audit row in its transaction.
 */
import type { Rules } from '../../config.ts'
import type { Db } from '../../kernel/db/database.ts'
import type { MailContext } from '../../kernel/mail/compose.ts'
import { enqueueMail } from '../../kernel/mail/outbox.ts'
import { accountStatus, type AccountState } from '../../kernel/accounts/accounts.ts'
import { voidPendingEmailChanges } from '../../kernel/accounts/account-tokens.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { sendConfirmationEmail } from '../email-confirmation/index.ts'
import { sendUnlockEmail } from '../lockout/index.ts'
import { invalidateAccountSessions } from '../sessions/index.ts'
import { endAccessAtClients } from '../../kernel/accounts/client-access.ts'
import { accountActivatedEmail } from './emails/account-activated.ts'
import { findManagedAccount, refusalToActivate, refusalToChange, refusalToDeactivate, requireManagedAccount, type ManagedAccount, type ScopeRefusal, type ScopeSubject } from './hospital-scope.ts'
import { type Manager } from '../../kernel/accounts/managed-accounts.ts'
import type { RequestMeta } from '../../kernel/audit/audit-trail.ts'

export type ActionKind = 'edit' | 'activate' | 'deactivate' | 'resendConfirmation' | 'resendUnlock' | 'delete'
/** `bulkActivate`: the bulk form's activation, for pending accounts only (§4; a reactivation is one account at a time). */
export type StateAction = Exclude<ActionKind, 'edit' | 'delete'> | 'bulkActivate'

/** What a console change needs: the app's pieces, who acts, from where, and when. */
export interface ConsoleContext {
  db: Db
  rules: Rules
  mailContext: MailContext
  manager: Manager
  meta: RequestMeta
  now: number
}

export type Refusal =
  | { outcome: 'refused'; status: 403; scope: ScopeRefusal }
  | { outcome: 'refused'; status: 409; state: StateAction; emailChanged?: true }

/** `emailChangeVoided`: the change made also voided a pending email change of the account. */
export type ActionResult = { outcome: 'done'; account: ManagedAccount; emailChangeVoided?: boolean } | Refusal

type StateSubject = AccountState & { locked_at: number | null }

/** The guide's state rule of each action (§4–7), the same for the menu and the server. */
export function isAllowedInState (action: StateAction, account: StateSubject): boolean {
  const status = accountStatus(account)
  switch (action) {
    case 'activate': return status === 'pendingActivation' || (status === 'deactivated' && account.email_confirmed_at !== null)
    case 'bulkActivate': return status === 'pendingActivation'
    case 'deactivate': return status === 'active'
    case 'resendConfirmation': return status === 'unconfirmed'
    case 'resendUnlock': return account.locked_at !== null
  }
}

/** The entries of a line's « Actions » menu: none when the account is read-only for this manager. */
export function availableActions (manager: Manager, account: ScopeSubject & StateSubject): ActionKind[] {
  if (refusalToChange(manager, account)) return []
  const actions: ActionKind[] = ['edit']
  if (isAllowedInState('activate', account) && !refusalToActivate(manager, account)) actions.push('activate')
  if (isAllowedInState('deactivate', account) && !refusalToDeactivate(manager, account)) actions.push('deactivate')
  if (isAllowedInState('resendConfirmation', account)) actions.push('resendConfirmation')
  if (isAllowedInState('resendUnlock', account)) actions.push('resendUnlock')
  if (manager.isSuperadmin && account.id !== manager.id) actions.push('delete')
  return actions
}

const scopeRefused = (scope: ScopeRefusal): Refusal => ({ outcome: 'refused', status: 403, scope })
const stateRefused = (state: StateAction): Refusal => ({ outcome: 'refused', status: 409, state })
const emailChangedMeanwhile: Refusal = { outcome: 'refused', status: 409, state: 'activate', emailChanged: true }

/** Who did what to whom, from where: the fields every console audit event carries. */
export function auditFields (ctx: ConsoleContext, account: ManagedAccount) {
  return {
    actorId: ctx.manager.id,
    actorRole: ctx.manager.isSuperadmin ? 'superadmin' : 'accountManager',
    targetId: account.id,
    hospitalId: account.hospitalIds.find((id) => ctx.manager.hospitalIds.includes(id)) ?? account.hospitalIds[0] ?? null,
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent,
  }
}

/**
 * « Activer le compte » (§4): a pending account, or a deactivated one coming back. An account on
 * the account-manager site is activated only by a super-administrator. Activation counts as an
 * access review (annual review, Présentation). It activates the account as the activation page
 * showed it (§4.1 « vérifier l'adresse email »): a pending email change, which the page
 * announces, is voided, not carried over to an account that now has more rights; and when the
 * page's address is given (`shownEmail`), an address changed since is refused (409). With
 * `bulkActivate`, only a pending account: « Seuls les comptes ayant le statut en attente
 * d'activation peuvent être activés », checked again by the UPDATE itself, so an account
 * deactivated since the page was drawn stays so.
 */
export async function activateAccount (ctx: ConsoleContext, accountId: unknown, shownEmail?: string, action: 'activate' | 'bulkActivate' = 'activate'): Promise<ActionResult> {
  return ctx.db.transaction().execute(async (tx) => {
    const account = await requireManagedAccount(tx, ctx.manager, accountId)
    const refusal = refusalToActivate(ctx.manager, account)
    if (refusal) return scopeRefused(refusal)
    if (!isAllowedInState(action, account)) return stateRefused(action)
    if (shownEmail !== undefined && shownEmail !== account.email) return emailChangedMeanwhile
    let update = tx.updateTable('account')
      .set({
        activated_at: ctx.now, activated_by: ctx.manager.id, deactivated_at: null, deactivated_by: null,
        access_reviewed_at: ctx.now, access_reviewed_by: ctx.manager.id,
      })
      .where('id', '=', account.id).where('email_confirmed_at', 'is not', null)
      .where((eb) => action === 'bulkActivate'
        ? eb.and([eb('activated_at', 'is', null), eb('deactivated_at', 'is', null)])
        : eb.or([eb('activated_at', 'is', null), eb('deactivated_at', 'is not', null)]))
    if (shownEmail !== undefined) update = update.where('email', '=', shownEmail)
    const updated = await update.executeTakeFirst()
    if (Number(updated.numUpdatedRows) !== 1) return stateRefused(action)
    const voided = await voidPendingEmailChanges(tx, account.id, ctx.now)
    await enqueueMail(tx, accountActivatedEmail(ctx.mailContext, account), ctx.now)
    await recordEvent(tx, {
      type: 'admin.accountActivated',
      ...auditFields(ctx, account),
      details: { previousStatus: accountStatus(account), ...(voided.length > 0 ? { voidedEmailChange: voided[0] } : {}) },
    }, ctx.now)
    return { outcome: 'done', account, emailChangeVoided: voided.length > 0 }
  })
}

/** « Désactiver le compte » (§5): only an active account; its sessions end at once; nothing deleted. */
export async function deactivateAccount (ctx: ConsoleContext, accountId: unknown): Promise<ActionResult> {
  return ctx.db.transaction().execute(async (tx) => {
    const account = await requireManagedAccount(tx, ctx.manager, accountId)
    const refusal = refusalToDeactivate(ctx.manager, account)
    if (refusal) return scopeRefused(refusal)
    if (!isAllowedInState('deactivate', account)) return stateRefused('deactivate')
    const updated = await tx.updateTable('account')
      .set({ deactivated_at: ctx.now, deactivated_by: ctx.manager.id })
      .where('id', '=', account.id).where('deactivated_at', 'is', null)
      .where('activated_at', 'is not', null).where('email_confirmed_at', 'is not', null)
      .executeTakeFirst()
    if (Number(updated.numUpdatedRows) !== 1) return stateRefused('deactivate')
    await invalidateAccountSessions(tx, account.id)
    await endAccessAtClients(tx, account.id, 'deactivated', ctx.now)
    await voidPendingEmailChanges(tx, account.id, ctx.now)
    await recordEvent(tx, { type: 'admin.accountDeactivated', ...auditFields(ctx, account) }, ctx.now)
    return { outcome: 'done', account }
  })
}

/** « Renvoyer le mail de confirmation » (§6): only « Email non confirmé »; a new link voids the old. */
export async function resendConfirmationEmailFor (ctx: ConsoleContext, accountId: unknown): Promise<ActionResult> {
  return ctx.db.transaction().execute(async (tx) => {
    const account = await requireManagedAccount(tx, ctx.manager, accountId)
    const refusal = refusalToChange(ctx.manager, account)
    if (refusal) return scopeRefused(refusal)
    if (!isAllowedInState('resendConfirmation', account)) return stateRefused('resendConfirmation')
    await sendConfirmationEmail(tx, ctx, account.id, ctx.now)
    await recordEvent(tx, { type: 'admin.confirmationEmailResent', ...auditFields(ctx, account) }, ctx.now)
    return { outcome: 'done', account }
  })
}

/** « Renvoyer le mail de déverrouillage » (§7): only a locked account; a new link voids the old. */
export async function resendUnlockEmailFor (ctx: ConsoleContext, accountId: unknown): Promise<ActionResult> {
  return ctx.db.transaction().execute(async (tx) => {
    const account = await requireManagedAccount(tx, ctx.manager, accountId)
    const refusal = refusalToChange(ctx.manager, account)
    if (refusal) return scopeRefused(refusal)
    if (!isAllowedInState('resendUnlock', account)) return stateRefused('resendUnlock')
    const sent = await sendUnlockEmail(tx, account.id, ctx, ctx.now)
    if (!sent) return stateRefused('resendUnlock')
    await recordEvent(tx, { type: 'admin.unlockEmailResent', ...auditFields(ctx, account) }, ctx.now)
    return { outcome: 'done', account }
  })
}

export interface BulkLine {
  accountId: string
  /** The account as it was read just before its own transaction (undefined: missing or out of scope). */
  account: ManagedAccount | undefined
  result: ActionResult | { outcome: 'notFound' }
}

/**
 * Bulk activation: each selected account goes through `activateAccount` with `bulkActivate`,
 * one transaction each, so a deactivated or already active account is refused on its own line.
 */
export async function activateAccounts (ctx: ConsoleContext, accountIds: readonly string[]): Promise<BulkLine[]> {
  const lines: BulkLine[] = []
  for (const accountId of new Set(accountIds)) {
    const account = await findManagedAccount(ctx.db, ctx.manager, accountId)
    if (!account) {
      lines.push({ accountId, account: undefined, result: { outcome: 'notFound' } })
      continue
    }
    lines.push({ accountId, account, result: await activateAccount(ctx, accountId, undefined, 'bulkActivate') })
  }
  return lines
}
