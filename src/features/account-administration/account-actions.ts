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
import type { Db } from '../../kernel/db/database.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'
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

/** Who makes a console change, and from where (the flow's context comes first, this second). */
export interface ConsoleActor {
  manager: Manager
  meta: RequestMeta
}

export type Refusal =
  | { outcome: 'refused'; status: 403; scope: ScopeRefusal }
  | { outcome: 'refused'; status: 409; state: StateAction; emailChanged?: true }

export type ScopeRefused = Extract<Refusal, { status: 403 }>

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

const scopeRefused = (scope: ScopeRefusal): ScopeRefused => ({ outcome: 'refused', status: 403, scope })
const stateRefused = (state: StateAction): Refusal => ({ outcome: 'refused', status: 409, state })
const emailChangedMeanwhile: Refusal = { outcome: 'refused', status: 409, state: 'activate', emailChanged: true }

/** Who did what to whom, from where: the fields every console audit event carries. */
export function auditFields (actor: ConsoleActor, account: ManagedAccount) {
  return {
    actorId: actor.manager.id,
    actorRole: actor.manager.isSuperadmin ? 'superadmin' : 'accountManager',
    targetId: account.id,
    hospitalId: account.hospitalIds.find((id) => actor.manager.hospitalIds.includes(id)) ?? account.hospitalIds[0] ?? null,
    ...actor.meta,
  }
}

/** What a console action checks before it changes anything: its scope rule, and the guide's state rule if it has one. */
export interface ActionRules {
  allowed: (manager: Manager, account: ManagedAccount) => ScopeRefusal | undefined
  state?: StateAction
  /** Take the account's row lock before reading it (the edit form: its checks read the account's other rows). */
  lockRow?: true
}

/** Takes the account's row lock first, so two parallel edits (two last sites removed) serialize. */
export async function lockAccountRow (tx: Db, accountId: unknown) {
  if (typeof accountId !== 'string') return
  await tx.updateTable('account').set((eb) => ({ failed_password_count: eb.ref('failed_password_count') }))
    .where('id', '=', accountId).execute()
}

/**
 * The skeleton of every console action on one account: one transaction; the account as this
 * manager may see it (out of scope or missing: the same 404, RequestRefused); the scope rule
 * (403) and the state rule (409) as refusals that change nothing; then the action itself, given
 * the transaction, the account and the action's one instant.
 */
export function withManagedAccount<T> (
  ctx: FlowContext, actor: ConsoleActor, accountId: unknown, rules: ActionRules & { state?: undefined },
  act: (tx: Db, account: ManagedAccount, now: number) => Promise<T>,
): Promise<T | ScopeRefused>
export function withManagedAccount<T> (
  ctx: FlowContext, actor: ConsoleActor, accountId: unknown, rules: ActionRules,
  act: (tx: Db, account: ManagedAccount, now: number) => Promise<T>,
): Promise<T | Refusal>
export async function withManagedAccount<T> (
  ctx: FlowContext, actor: ConsoleActor, accountId: unknown, rules: ActionRules,
  act: (tx: Db, account: ManagedAccount, now: number) => Promise<T>,
): Promise<T | Refusal> {
  return ctx.db.transaction().execute(async (tx) => {
    if (rules.lockRow) await lockAccountRow(tx, accountId)
    const account = await requireManagedAccount(tx, actor.manager, accountId)
    const refusal = rules.allowed(actor.manager, account)
    if (refusal) return scopeRefused(refusal)
    if (rules.state && !isAllowedInState(rules.state, account)) return stateRefused(rules.state)
    return act(tx, account, ctx.clock.now())
  })
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
export async function activateAccount (ctx: FlowContext, actor: ConsoleActor, accountId: unknown, shownEmail?: string, action: 'activate' | 'bulkActivate' = 'activate'): Promise<ActionResult> {
  return withManagedAccount(ctx, actor, accountId, { allowed: refusalToActivate, state: action }, async (tx, account, now): Promise<ActionResult> => {
    if (shownEmail !== undefined && shownEmail !== account.email) return emailChangedMeanwhile
    let update = tx.updateTable('account')
      .set({
        activated_at: now, activated_by: actor.manager.id, deactivated_at: null, deactivated_by: null,
        access_reviewed_at: now, access_reviewed_by: actor.manager.id,
      })
      .where('id', '=', account.id).where('email_confirmed_at', 'is not', null)
      .where((eb) => action === 'bulkActivate'
        ? eb.and([eb('activated_at', 'is', null), eb('deactivated_at', 'is', null)])
        : eb.or([eb('activated_at', 'is', null), eb('deactivated_at', 'is not', null)]))
    if (shownEmail !== undefined) update = update.where('email', '=', shownEmail)
    const updated = await update.executeTakeFirst()
    if (Number(updated.numUpdatedRows) !== 1) return stateRefused(action)
    const voided = await voidPendingEmailChanges(tx, account.id, now)
    await enqueueMail(tx, accountActivatedEmail(ctx.mail, account), now)
    await recordEvent(tx, {
      type: 'admin.accountActivated',
      ...auditFields(actor, account),
      details: { previousStatus: accountStatus(account), ...(voided.length > 0 ? { voidedEmailChange: voided[0] } : {}) },
    }, now)
    return { outcome: 'done', account, emailChangeVoided: voided.length > 0 }
  })
}

/** « Désactiver le compte » (§5): only an active account; its sessions end at once; nothing deleted. */
export async function deactivateAccount (ctx: FlowContext, actor: ConsoleActor, accountId: unknown): Promise<ActionResult> {
  return withManagedAccount(ctx, actor, accountId, { allowed: refusalToDeactivate, state: 'deactivate' }, async (tx, account, now): Promise<ActionResult> => {
    const updated = await tx.updateTable('account')
      .set({ deactivated_at: now, deactivated_by: actor.manager.id })
      .where('id', '=', account.id).where('deactivated_at', 'is', null)
      .where('activated_at', 'is not', null).where('email_confirmed_at', 'is not', null)
      .executeTakeFirst()
    if (Number(updated.numUpdatedRows) !== 1) return stateRefused('deactivate')
    await invalidateAccountSessions(tx, account.id)
    await endAccessAtClients(tx, account.id, 'deactivated', now)
    await voidPendingEmailChanges(tx, account.id, now)
    await recordEvent(tx, { type: 'admin.accountDeactivated', ...auditFields(actor, account) }, now)
    return { outcome: 'done', account }
  })
}

/** « Renvoyer le mail de confirmation » (§6): only « Email non confirmé »; a new link voids the old. */
export async function resendConfirmationEmailFor (ctx: FlowContext, actor: ConsoleActor, accountId: unknown): Promise<ActionResult> {
  return withManagedAccount(ctx, actor, accountId, { allowed: refusalToChange, state: 'resendConfirmation' }, async (tx, account, now): Promise<ActionResult> => {
    await sendConfirmationEmail(ctx, tx, account.id)
    await recordEvent(tx, { type: 'admin.confirmationEmailResent', ...auditFields(actor, account) }, now)
    return { outcome: 'done', account }
  })
}

/** « Renvoyer le mail de déverrouillage » (§7): only a locked account; a new link voids the old. */
export async function resendUnlockEmailFor (ctx: FlowContext, actor: ConsoleActor, accountId: unknown): Promise<ActionResult> {
  return withManagedAccount(ctx, actor, accountId, { allowed: refusalToChange, state: 'resendUnlock' }, async (tx, account, now): Promise<ActionResult> => {
    const sent = await sendUnlockEmail(ctx, tx, account.id)
    if (!sent) return stateRefused('resendUnlock')
    await recordEvent(tx, { type: 'admin.unlockEmailResent', ...auditFields(actor, account) }, now)
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
export async function activateAccounts (ctx: FlowContext, actor: ConsoleActor, accountIds: readonly string[]): Promise<BulkLine[]> {
  const lines: BulkLine[] = []
  for (const accountId of new Set(accountIds)) {
    const account = await findManagedAccount(ctx.db, actor.manager, accountId)
    if (!account) {
      lines.push({ accountId, account: undefined, result: { outcome: 'notFound' } })
      continue
    }
    lines.push({ accountId, account, result: await activateAccount(ctx, actor, accountId, undefined, 'bulkActivate') })
  }
  return lines
}
