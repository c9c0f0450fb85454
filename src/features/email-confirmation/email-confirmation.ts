/**
 * Email confirmation: user guide §2.1 (the link of « BaMaRa - Veuillez confirmer votre adresse
 * email ») and §5 « En cas de difficultés » (a new confirmation email); admin guide §6
 * « Renvoyer la demande de validation de l'adresse email ».
 *
 * The link is single-use and valid `rules.emailConfirmationTtl`; a new link voids the older ones.
 * The GET page only shows a button; the POST consumes the token in one conditional UPDATE, so of
 * two parallel uses exactly one confirms. Confirming does not log in and does not activate: an
 * account manager (or, for an account-manager site, a super-administrator) activates. User guide
 * §2.1: an account-manager request « est alors envoyée aux super-administrateurs », i.e. once the
 * link is clicked: they are emailed in the confirming transaction, never for an unconfirmed address.
 */
import type { Rules } from '../../config.ts'
import type { Db } from '../../kernel/db/database.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'
import { enqueueMail } from '../../kernel/mail/outbox.ts'
import { consumeAccountToken, issueAccountToken } from '../../kernel/accounts/account-tokens.ts'
import { holdsAccountAdministrationSite } from '../../kernel/accounts/accounts.ts'
import { enforceRateLimit } from '../../kernel/security/rate-limits.ts'
import { isPersonalEmailDomain } from '../../kernel/accounts/personal-email-domains.ts'
import { withMinimumDuration } from '../../kernel/security/timing.ts'
import { digestToken } from '../../kernel/security/tokens.ts'
import { normalizeEmail } from '../../kernel/text.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { confirmationEmail } from './emails/confirmation-email.ts'
import { accountManagerRequestEmail } from './emails/account-manager-request.ts'
import {
  findAccountAwaitingConfirmation, findAccountHospitalId, findAccountManagerRequest, findConfirmationRecipient,
  listActiveSuperadmins, markEmailConfirmed,
} from './email-confirmation.queries.ts'
import type { RequestMeta } from '../../kernel/audit/audit-trail.ts'


const day = 24 * 3600 * 1000

/** The link's validity in whole days, as the emails and pages state it. */
export function confirmationValidDays (rules: Pick<Rules, 'emailConfirmationTtl'>): number {
  return Math.max(1, Math.round(rules.emailConfirmationTtl / day))
}

/**
 * Issues a new confirmation link for the account (voiding its older ones) and queues the email,
 * in the caller's transaction. The caller calls `app.mail.kick()` after the commit.
 */
export async function sendConfirmationEmail (ctx: FlowContext, tx: Db, accountId: string): Promise<void> {
  const now = ctx.clock.now()
  const account = await findConfirmationRecipient(tx, accountId)
  if (!account) throw new Error('confirmation email for a missing account')
  const token = await issueAccountToken(tx, accountId, 'emailConfirmation', ctx.rules.emailConfirmationTtl, now)
  const recipient = { email: account.email, civility: account.civility, lastName: account.last_name }
  await enqueueMail(tx, confirmationEmail(ctx.mail, recipient, token, confirmationValidDays(ctx.rules)), now)
}

export type ConfirmationResult =
  | { outcome: 'confirmed'; accountManagerRequest: boolean }
  | { outcome: 'invalidLink' } // unknown, used, replaced or expired: one answer

/** POST /confirmation: consumes the link and confirms the address, with its audit row. */
export async function confirmEmailByToken (ctx: FlowContext, token: unknown, meta: RequestMeta): Promise<ConfirmationResult> {
  const now = ctx.clock.now()
  return ctx.db.transaction().execute(async (tx) => {
    const consumed = await consumeAccountToken(tx, token, 'emailConfirmation', now)
    if (!consumed) return { outcome: 'invalidLink' } as const
    const confirmedNow = await markEmailConfirmed(tx, consumed.accountId, now)
    const accountManagerRequest = await holdsAccountAdministrationSite(tx, consumed.accountId)
    if (confirmedNow && accountManagerRequest) await notifySuperadmins(ctx, tx, consumed.accountId, now)
    await recordEvent(tx, {
      type: 'account.emailConfirmed',
      actorId: consumed.accountId,
      targetId: consumed.accountId,
      hospitalId: await findAccountHospitalId(tx, consumed.accountId),
      ip: meta.ip,
      userAgent: meta.userAgent,
      details: { accountManagerRequest },
    }, now)
    return { outcome: 'confirmed', accountManagerRequest } as const
  })
}

/** « Nouvelle demande de compte gestionnaire » to every super-administrator able to activate it. */
async function notifySuperadmins (ctx: FlowContext, tx: Db, accountId: string, now: number): Promise<void> {
  const row = await findAccountManagerRequest(tx, accountId)
  if (!row) return
  const request = {
    civility: row.civility,
    lastName: row.last_name,
    firstName: row.first_name,
    email: row.email,
    profession: row.profession,
    hospitalName: row.hospital_name,
    personalEmail: isPersonalEmailDomain(row.email),
  }
  for (const superadmin of await listActiveSuperadmins(tx)) {
    await enqueueMail(tx, accountManagerRequestEmail(ctx.mail, superadmin.email, request), now)
  }
}

/**
 * « Renvoyer l'email de confirmation »: a new link only when the address belongs to an account
 * still awaiting confirmation. The caller shows the same answer in every case (no enumeration);
 * the limits stop a mailbox from being flooded. Returns whether an email was queued.
 */
export async function resendConfirmationEmail (ctx: FlowContext, email: string, meta: RequestMeta): Promise<boolean> {
  const now = ctx.clock.now()
  const window = ctx.rules.registrationRateWindow
  await enforceRateLimit(ctx.db, `confirmationResend:ip:${meta.ip}`, { limit: ctx.rules.confirmationResendsPerAddress, window }, now)
  await enforceRateLimit(ctx.db, `confirmationResend:email:${digestToken(normalizeEmail(email))}`, { limit: ctx.rules.confirmationResendsPerEmail, window }, now)
  // An unconfirmed account costs a token, an email and an audit row; any other address a read.
  return withMinimumDuration(ctx.rules.confirmationResendMinimumDuration, () => ctx.db.transaction().execute(async (tx) => {
    const account = await findAccountAwaitingConfirmation(tx, email)
    if (!account) return false
    await sendConfirmationEmail(ctx, tx, account.id)
    await recordEvent(tx, {
      type: 'account.confirmationEmailResent',
      actorId: null,
      targetId: account.id,
      hospitalId: await findAccountHospitalId(tx, account.id),
      ip: meta.ip,
      userAgent: meta.userAgent,
      details: { requestedBy: 'user' },
    }, now)
    return true
  }))
}
