/**
 * Forgotten password: user guide §3.3 « Mot de passe oublié ».
 * « Envoyer la demande » always gets the same answer, known address or not (ASVS 6.3.8): both
 * paths do the same lookup and write one audit row in one transaction; only a known address
 * gets a token and the email « BaMaRa - Changez votre mot de passe ». The link works once,
 * for rules.passwordResetTtl, and a new request voids the older links. Following it and choosing
 * a valid new password unlocks the account and ends every session; the user then logs in
 * normally (password and emailed code): a reset never opens a session (ASVS 6.4.3).
 */
import type { Rules } from '../../config.ts'
import { hours } from '../../config.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'
import { enqueueMail } from '../../kernel/mail/outbox.ts'
import { consumeAccountToken, issueAccountToken } from '../../kernel/accounts/account-tokens.ts'
import { hashPassword } from '../../kernel/security/passwords.ts'
import { enforceRateLimit } from '../../kernel/security/rate-limits.ts'
import { digestToken } from '../../kernel/security/tokens.ts'
import { withMinimumDuration } from '../../kernel/security/timing.ts'
import { normalizeEmail } from '../../kernel/text.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { passwordResetEmail } from './emails/reset-link.ts'
import { findNewPasswordProblems, findPersonalWords, replaceAccountPassword, type NewPasswordProblems } from './new-password.ts'
import { findPasswordOwnerByEmail, findPasswordOwnerByResetToken } from './password-reset.queries.ts'
import type { RequestMeta } from '../../kernel/audit/audit-trail.ts'


/** Hours a reset link stays valid, as the pages and the email say it. */
export function resetLinkHours (rules: Rules): number {
  return Math.round(rules.passwordResetTtl / hours(1))
}

/** « Envoyer la demande ». Returns nothing the caller could show: the page is the same for every address. */
export async function requestPasswordReset (ctx: FlowContext, email: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now()
  const address = normalizeEmail(email)
  const window = ctx.rules.passwordResetRateLimitWindow
  await enforceRateLimit(ctx.db, `password-reset:ip:${meta.ip}`, { limit: ctx.rules.passwordResetRequestsPerIp, window }, now)
  // Keyed on the digest of what was typed, known or not: the 429 reveals nothing, stores no address.
  await enforceRateLimit(ctx.db, `password-reset:email:${digestToken(address)}`, { limit: ctx.rules.passwordResetRequestsPerAccount, window }, now)
  // Known and unknown addresses answer after the same floor (an issued link costs 3 more writes).
  await withMinimumDuration(ctx.rules.passwordResetRequestMinimumDuration, () => recordResetRequest(ctx, address, meta, now))
}

async function recordResetRequest (ctx: FlowContext, address: string, meta: RequestMeta, now: number): Promise<void> {
  const owner = await findPasswordOwnerByEmail(ctx.db, address)
  await ctx.db.transaction().execute(async (tx) => {
    if (owner) {
      const token = await issueAccountToken(tx, owner.id, 'passwordReset', ctx.rules.passwordResetTtl, now)
      await enqueueMail(tx, passwordResetEmail(ctx.mail, owner, token, resetLinkHours(ctx.rules)), now)
    }
    await recordEvent(tx, {
      type: 'password.resetRequested',
      outcome: owner ? 'success' : 'failure',
      targetId: owner?.id ?? null,
      ip: meta.ip,
      userAgent: meta.userAgent,
      details: owner ? undefined : { reason: 'unknownEmail' },
    }, now)
  })
}

export type PasswordResetResult =
  | { outcome: 'reset' }
  | { outcome: 'invalidLink' } // unknown, used, expired or voided by a newer request
  | { outcome: 'refused'; problems: NewPasswordProblems }

export interface NewPasswordForm { token: string; password: string; confirmation: string }

/** « Changer mon mot de passe » from the emailed link. Of two parallel uses of one link, exactly one resets. */
export async function resetPasswordWithLink (ctx: FlowContext, form: NewPasswordForm, meta: RequestMeta): Promise<PasswordResetResult> {
  const limit = { limit: ctx.rules.passwordResetAttemptsPerIp, window: ctx.rules.passwordResetRateLimitWindow }
  await enforceRateLimit(ctx.db, `password-reset:submit-ip:${meta.ip}`, limit, ctx.clock.now())
  const owner = await findPasswordOwnerByResetToken(ctx.db, form.token, ctx.clock.now())
  if (!owner) return { outcome: 'invalidLink' }
  const problems = findNewPasswordProblems(ctx.rules, await findPersonalWords(ctx.db, owner), form.password, form.confirmation)
  if (problems) return { outcome: 'refused', problems }

  const passwordHash = await hashPassword(form.password) // slow: outside the transaction
  return ctx.db.transaction().execute(async (tx): Promise<PasswordResetResult> => {
    const now = ctx.clock.now()
    const consumed = await consumeAccountToken(tx, form.token, 'passwordReset', now)
    if (consumed?.accountId !== owner.id) return { outcome: 'invalidLink' }
    await replaceAccountPassword(ctx, tx, owner, {
      passwordHash, unlock: true, event: 'password.reset', ip: meta.ip, userAgent: meta.userAgent,
    })
    return { outcome: 'reset' }
  })
}
