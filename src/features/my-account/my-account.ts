/**
 * « Mon compte »: the logged-in user's own data, sites and last login, and the password change
 * (ASVS 6.2.3: the current password is required; 7.4.3: the other sessions end, this one stays).
 * The new password follows the same rules as a reset and has the same consequences (notice
 * email, audit), through the password-reset feature's `replaceAccountPassword`.
 */
import type { FlowContext } from '../../kernel/flow-context.ts'
import { hashPassword, verifyPassword } from '../../kernel/security/passwords.ts'
import { enforceRateLimit } from '../../kernel/security/rate-limits.ts'
import { recordEvent, type RequestMeta } from '../../kernel/audit/audit-trail.ts'
import { findNewPasswordProblems, findPasswordOwnerById, findPersonalWords, replaceAccountPassword, type NewPasswordProblems } from '../password-reset/index.ts'
import { findPasswordHash } from './my-account.queries.ts'


export interface PasswordChangeForm { currentPassword: string; password: string; confirmation: string }
export interface CurrentSession extends RequestMeta { accountId: string; token: string | undefined }

export type PasswordChangeResult =
  | { outcome: 'changed' }
  | { outcome: 'wrongCurrentPassword' }
  | { outcome: 'refused'; problems: NewPasswordProblems }

export async function changeMyPassword (ctx: FlowContext, session: CurrentSession, form: PasswordChangeForm): Promise<PasswordChangeResult> {
  const owner = await findPasswordOwnerById(ctx.db, session.accountId)
  const currentHash = await findPasswordHash(ctx.db, session.accountId)
  if (!owner || currentHash === undefined) throw new Error('the session account has disappeared')
  const problems = findNewPasswordProblems(ctx.rules, await findPersonalWords(ctx.db, owner), form.password, form.confirmation)
  if (problems) return { outcome: 'refused', problems }

  // Every check of the current password counts: a stolen session cannot try passwords one after another.
  const limit = { limit: ctx.rules.passwordChangeAttemptsPerAccount, window: ctx.rules.passwordChangeRateLimitWindow }
  await enforceRateLimit(ctx.db, `password-change:account:${session.accountId}`, limit, ctx.clock.now())

  if (!await verifyPassword(currentHash, form.currentPassword)) {
    await ctx.db.transaction().execute((tx) => recordEvent(tx, {
      type: 'password.changed', outcome: 'failure', actorId: owner.id, targetId: owner.id,
      ip: session.ip, userAgent: session.userAgent, details: { reason: 'wrongCurrentPassword' },
    }, ctx.clock.now()))
    return { outcome: 'wrongCurrentPassword' }
  }
  const passwordHash = await hashPassword(form.password) // slow: outside the transaction
  await ctx.db.transaction().execute((tx) => replaceAccountPassword(ctx, tx, owner, {
    passwordHash, unlock: false, keepSessionToken: session.token, event: 'password.changed', ip: session.ip, userAgent: session.userAgent,
  }))
  return { outcome: 'changed' }
}
