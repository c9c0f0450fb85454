/**
 * Login, password step: user guide §3.1 « Connexion ».
 * An unknown email, a wrong password and a locked account get one answer (`rejected`), at the
 * same cost: unknown emails verify a dummy hash. Only a correct password on an unlocked account
 * may learn why it cannot go on (email not confirmed, not yet activated, deactivated). Otherwise
 * a login challenge starts: an 8-digit code is emailed, bound to this browser by a random
 * pre-login cookie whose digest identifies the challenge.
 */
import type { Db } from '../../kernel/db/database.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'
import { accountStatus, holdsAccountAdministrationSite } from '../../kernel/accounts/accounts.ts'
import { enqueueMail } from '../../kernel/mail/outbox.ts'
import { countRateLimitHits, enforceRateLimit, throwIfOverLimit, type RateLimitHits } from '../../kernel/security/rate-limits.ts'
import { withMinimumDuration } from '../../kernel/security/timing.ts'
import { verifyDummyPassword, verifyPassword } from '../../kernel/security/passwords.ts'
import { digestOneTimeCode, digestToken, issueOneTimeCode, issueToken } from '../../kernel/security/tokens.ts'
import { normalizeEmail } from '../../kernel/text.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { isAccountLocked, recordFailedPassword, refuseAddressPastLockCap, resetFailedPasswordCount } from '../lockout/index.ts'
import { oneTimeCodeEmail } from './emails/one-time-code-email.ts'
import { findAccountForLogin, replaceChallenge } from './login.queries.ts'
import type { RequestMeta } from '../../kernel/audit/audit-trail.ts'

/** What the login flows need from the app: `app` itself fits. */

export type PasswordStepResult =
  /** `emailId`: the code's email in the outbox, for the route to send at once. */
  | { outcome: 'codeSent'; browserToken: string; emailId: string }
  /**
   * Unknown email, wrong password or locked account: one message, status and body.
   * `unlockEmailQueued` (never shown) tells the route to have the outbox send it now.
   */
  | { outcome: 'rejected'; unlockEmailQueued?: true }
  | { outcome: 'unconfirmed'; email: string }
  | { outcome: 'pendingActivation'; byOperators: boolean }
  | { outcome: 'deactivated' }

export interface PasswordForm { email: string; password: string; returnTo: string }

const rejected = { outcome: 'rejected' } as const

export async function checkPassword (ctx: FlowContext, form: PasswordForm, meta: RequestMeta): Promise<PasswordStepResult> {
  const { db, rules } = ctx
  const email = normalizeEmail(form.email)
  const now = ctx.clock.now()
  // Both counters in one statement (same window); the decisions below are taken in this order.
  const [perIp, perEmail] = await countRateLimitHits(db, [
    `login:password:ip:${meta.ip}`, `login:password:email:${digestToken(email)}`,
  ], rules.loginRateLimitWindow, now) as [RateLimitHits, RateLimitHits]
  throwIfOverLimit(perIp, { limit: rules.loginAttemptsPerIp, window: rules.loginRateLimitWindow }, now)
  await refuseAddressPastLockCap(db, meta.ip, rules, now)
  const account = await findAccountForLogin(db, email)
  refuseOverEmailLimit(ctx, perEmail, account !== undefined && !isAccountLocked(account), now)
  // After the hash, a wrong password costs more writes than an unknown email or a locked
  // account: every refusal answers after the same floor (ASVS 6.3.8).
  const refuse = (write: (tx: Db) => Promise<void>) =>
    withMinimumDuration(rules.loginRefusalWriteMinimumDuration, async () => {
      await db.transaction().execute(write)
      return rejected
    })
  if (!account) {
    await verifyDummyPassword(form.password)
    return refuse((tx) => recordRejection(tx, undefined, 'unknownEmail', meta, ctx.clock.now()))
  }
  const correct = await verifyPassword(account.password_hash, form.password)
  // Locked when read: the attempt changes nothing and sends nothing, whatever the password.
  if (isAccountLocked(account)) return refuse((tx) => recordRejection(tx, account.id, 'locked', meta, ctx.clock.now()))
  if (!correct) {
    let locked = false
    await refuse(async (tx) => {
      locked = (await recordFailedPassword(ctx, tx, account.id, meta)).locked
      await recordRejection(tx, account.id, 'wrongPassword', meta, ctx.clock.now())
    })
    return locked ? { outcome: 'rejected', unlockEmailQueued: true } : rejected
  }
  return acceptPassword(ctx, account.id, form.returnTo, meta)
}

/**
 * Per-email limit. Every attempt counts, so unknown and known emails reach the limit alike; but
 * it refuses only attempts that cannot succeed anyway (unknown email, locked account): a
 * correct password on an unlocked account is never refused by it, so nobody can use it to lock
 * an account out beyond the guide's lockout. The key is a digest: no typed email is stored.
 * The hit was counted with the per-IP one, before the account was read.
 */
function refuseOverEmailLimit (ctx: FlowContext, counted: RateLimitHits, accountIsOpen: boolean, now: number): void {
  if (accountIsOpen) return
  throwIfOverLimit(counted, { limit: ctx.rules.loginAttemptsPerAccount, window: ctx.rules.loginRateLimitWindow }, now)
}

/**
 * The correct password. The lock is checked again in the transaction that creates the
 * challenge (the counter reset is conditional on `locked_at is null`): wrong passwords sent in
 * parallel that locked the account meanwhile win, and this attempt is refused like any other.
 */
async function acceptPassword (ctx: FlowContext, accountId: string, returnTo: string, meta: RequestMeta): Promise<PasswordStepResult> {
  const now = ctx.clock.now()
  const result = await ctx.db.transaction().execute(async (tx): Promise<PasswordStepResult> => {
    const account = await resetFailedPasswordCount(tx, accountId)
    if (!account) {
      await recordRejection(tx, accountId, 'locked', meta, now)
      return rejected
    }
    const status = accountStatus(account)
    if (status !== 'active') {
      await recordRejection(tx, accountId, status, meta, now)
      if (status === 'unconfirmed') return { outcome: 'unconfirmed', email: account.email }
      if (status === 'deactivated') return { outcome: 'deactivated' }
      return { outcome: 'pendingActivation', byOperators: false }
    }
    // Counted with the code it allows (a refusal rolls the attempt back, the count is past the limit anyway).
    await enforceRateLimit(tx, `login:codes:account:${accountId}`, { limit: ctx.rules.oneTimeCodesSentPerAccount, window: ctx.rules.loginRateLimitWindow }, now)
    const browser = issueToken()
    const code = issueOneTimeCode()
    await replaceChallenge(tx, {
      id_digest: browser.digest,
      account_id: accountId,
      code_digest: digestOneTimeCode(browser.digest, code),
      created_at: now,
      code_sent_at: now,
      code_expires_at: now + ctx.rules.oneTimeCodeTtl,
      wrong_codes: 0,
      codes_sent: 1,
      return_to: returnTo === '/' ? null : returnTo,
    })
    const emailId = await enqueueMail(tx, oneTimeCodeEmail(ctx.mail, {
      to: account.email, civility: account.civility, lastName: account.last_name, code, ttl: ctx.rules.oneTimeCodeTtl,
    }), now)
    await recordEvent(tx, { type: 'login.codeSent', actorId: accountId, targetId: accountId, ip: meta.ip, userAgent: meta.userAgent }, now)
    return { outcome: 'codeSent', browserToken: browser.token, emailId }
  })
  if (result.outcome === 'pendingActivation') {
    return { outcome: 'pendingActivation', byOperators: await holdsAccountAdministrationSite(ctx.db, accountId) }
  }
  return result
}

function recordRejection (tx: Db, accountId: string | undefined, reason: string, meta: RequestMeta, now: number) {
  return recordEvent(tx, {
    type: 'login.passwordRejected', outcome: reason === 'wrongPassword' || reason === 'unknownEmail' ? 'failure' : 'refused',
    actorId: accountId ?? null, targetId: accountId ?? null, ip: meta.ip, userAgent: meta.userAgent, details: { reason },
  }, now)
}
