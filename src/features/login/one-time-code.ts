/**
 * Login, code step: user guide §3.2 « Procédure d'authentification ».
 * The code works only with the pre-login cookie of the browser that gave the password, for
 * rules.oneTimeCodeTtl, once. Each code allows rules.maximumWrongCodes attempts, spent before
 * the comparison so parallel guesses cannot exceed it; « Envoyer un nouveau code » replaces the
 * code (the old one dies) at most once per rules.oneTimeCodeResendInterval and
 * rules.maximumCodesPerChallenge times, after which the password is asked again. Success, in
 * one transaction: the challenge is deleted, a new session created, the login recorded.
 */
import type { Db } from '../../kernel/db/database.ts'
import { accountStatus } from '../../kernel/accounts/accounts.ts'
import { enqueueMail } from '../../kernel/mail/outbox.ts'
import { countRateLimitHits, enforceRateLimit, throwIfOverLimit, type RateLimitHits } from '../../kernel/security/rate-limits.ts'
import { digestOneTimeCode, digestToken, isWellFormedToken, issueOneTimeCode, safeEqual } from '../../kernel/security/tokens.ts'
import { safeReturnPath } from '../../kernel/web/redirects.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { isAccountLocked } from '../lockout/index.ts'
import { createSession, destroySession } from '../sessions/index.ts'
import { oneTimeCodeEmail } from './emails/one-time-code-email.ts'
import {
  consumeChallenge, deleteChallenge, findAccountState, findChallenge, recordLoginOfUsableAccount, renewChallengeCode, reserveCodeAttempt,
} from './login.queries.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'
import type { RequestMeta } from '../../kernel/audit/audit-trail.ts'

export type CodeStepResult =
  | { outcome: 'loggedIn'; sessionToken: string; returnTo: string }
  | { outcome: 'wrongCode'; remaining: number }
  | { outcome: 'codeExpired' }
  /** Too many wrong codes: this code is void, a new one must be asked for. */
  | { outcome: 'codeVoid' }
  /** No pending login for this browser (any more): back to the password. */
  | { outcome: 'restart'; returnTo: string }

export type ResendResult =
  | { outcome: 'codeSent'; emailId: string }
  | { outcome: 'tooSoon'; waitSeconds: number }
  | { outcome: 'restart'; returnTo: string }

type Challenge = NonNullable<Awaited<ReturnType<typeof findChallenge>>>

const restartHome = { outcome: 'restart', returnTo: '/' } as const
const restartFrom = (challenge: { return_to: string | null }) => ({ outcome: 'restart', returnTo: safeReturnPath(challenge.return_to) }) as const

/** The pending login of this browser, if it is still in time; for the code page. */
export async function findPendingLogin (ctx: FlowContext, browserToken: unknown) {
  if (!isWellFormedToken(browserToken)) return undefined
  const challenge = await findChallenge(ctx.db, digestToken(browserToken))
  if (!challenge || isChallengeTooOld(ctx, challenge)) return undefined
  const account = await findAccountState(ctx.db, challenge.account_id)
  return account ? { email: account.email, codeSentAt: Number(challenge.code_sent_at) } : undefined
}

export async function submitOneTimeCode (ctx: FlowContext, browserToken: unknown, code: string, meta: RequestMeta & { sessionToken?: string }): Promise<CodeStepResult> {
  const { db, rules } = ctx
  const found = await findBrowserChallenge(ctx, browserToken, meta, { countAccountAttempt: true })
  if (!found) return restartHome
  const { challengeId } = found
  const now = ctx.clock.now()
  return db.transaction().execute(async (tx): Promise<CodeStepResult> => {
    const challenge = await reserveCodeAttempt(tx, challengeId, {
      maximumWrongCodes: rules.maximumWrongCodes, startedAfter: now - rules.loginChallengeTtl, now,
    })
    if (!challenge) return explainUnusableCode(ctx, tx, challengeId, now)
    if (!safeEqual(digestOneTimeCode(challengeId, code), challenge.code_digest)) {
      return refuseWrongCode(ctx, tx, challenge, meta, now)
    }
    const consumed = await consumeChallenge(tx, challengeId, challenge.code_digest)
    if (!consumed) return restartFrom(challenge)
    const account = await recordLoginOfUsableAccount(tx, consumed.account_id, now)
    if (!account) {
      await recordEvent(tx, codeRejectedEvent(consumed.account_id, 'accountNotUsable', meta), now)
      return restartHome
    }
    // A session cookie the browser already had (perhaps planted) is ended, never adopted.
    if (meta.sessionToken) await destroySession(tx, meta.sessionToken)
    const sessionToken = await createSession(tx, account.id, now, meta)
    await recordEvent(tx, { type: 'login.succeeded', actorId: account.id, targetId: account.id, ip: meta.ip, userAgent: meta.userAgent }, now)
    return { outcome: 'loggedIn', sessionToken, returnTo: landingPath(consumed.return_to, account.managesAccounts) }
  })
}

/**
 * Where a login ends: the page the user was sent from (an expired session, user guide §3.4),
 * else, admin guide §1 « Une fois connecté, vous accédez directement à l'interface de gestion »,
 * the console for account managers and super-administrators, and « Mon compte » for the others.
 */
function landingPath (returnTo: string | null, managesAccounts: boolean): string {
  const path = safeReturnPath(returnTo)
  if (path !== '/') return path
  return managesAccounts ? '/gestion' : '/mon-compte'
}

async function refuseWrongCode (ctx: FlowContext, tx: Db, challenge: Challenge, meta: RequestMeta, now: number): Promise<CodeStepResult> {
  await recordEvent(tx, codeRejectedEvent(challenge.account_id, 'wrongCode', meta), now)
  const remaining = ctx.rules.maximumWrongCodes - challenge.wrong_codes
  if (remaining > 0) return { outcome: 'wrongCode', remaining }
  if (challenge.codes_sent >= ctx.rules.maximumCodesPerChallenge) {
    await deleteChallenge(tx, challenge.id_digest)
    return restartFrom(challenge)
  }
  return { outcome: 'codeVoid' }
}

/** Why no attempt could be spent: gone, too old, spent or expired. */
async function explainUnusableCode (ctx: FlowContext, tx: Db, challengeId: string, now: number): Promise<CodeStepResult> {
  const challenge = await findChallenge(tx, challengeId)
  if (!challenge) return restartHome
  if (isChallengeTooOld(ctx, challenge) || (isChallengeExhausted(ctx, challenge) && isCodeDead(ctx, challenge, now))) {
    await deleteChallenge(tx, challengeId)
    return restartFrom(challenge)
  }
  if (challenge.wrong_codes >= ctx.rules.maximumWrongCodes) return { outcome: 'codeVoid' }
  return { outcome: 'codeExpired' }
}

/**
 * The pending login of the browser holding this pre-login cookie. Counts against the per-IP code
 * limit, and (for a code submitted) the per-account one, both in one statement.
 */
async function findBrowserChallenge (ctx: FlowContext, browserToken: unknown, meta: RequestMeta, options: { countAccountAttempt?: boolean } = {}) {
  const { db, rules } = ctx
  const challengeId = isWellFormedToken(browserToken) ? digestToken(browserToken) : undefined
  const pending = challengeId ? await findChallenge(db, challengeId) : undefined
  const keys = [`login:code:ip:${meta.ip}`]
  if (pending && options.countAccountAttempt) keys.push(`login:code:account:${pending.account_id}`)
  const now = ctx.clock.now()
  const [perIp, perAccount] = await countRateLimitHits(db, keys, rules.loginRateLimitWindow, now)
  throwIfOverLimit(perIp as RateLimitHits, { limit: rules.oneTimeCodeAttemptsPerIp, window: rules.loginRateLimitWindow }, now)
  if (perAccount) throwIfOverLimit(perAccount, { limit: rules.oneTimeCodeAttemptsPerAccount, window: rules.loginRateLimitWindow }, now)
  return challengeId && pending ? { challengeId, pending } : undefined
}

/** « Envoyer un nouveau code ». */
export async function sendNewOneTimeCode (ctx: FlowContext, browserToken: unknown, meta: RequestMeta): Promise<ResendResult> {
  const { db, rules } = ctx
  const found = await findBrowserChallenge(ctx, browserToken, meta)
  if (!found) return restartHome
  const { challengeId, pending } = found
  const now = ctx.clock.now()
  const waitSeconds = Math.ceil((Number(pending.code_sent_at) + rules.oneTimeCodeResendInterval - now) / 1000)
  if (waitSeconds > 0) return { outcome: 'tooSoon', waitSeconds }
  await enforceRateLimit(db, `login:codes:account:${pending.account_id}`, { limit: rules.oneTimeCodesSentPerAccount, window: rules.loginRateLimitWindow }, now)
  return db.transaction().execute(async (tx): Promise<ResendResult> => {
    const code = issueOneTimeCode()
    const renewed = await renewChallengeCode(tx, challengeId, digestOneTimeCode(challengeId, code), {
      now,
      expiresAt: now + rules.oneTimeCodeTtl,
      sentBefore: now - rules.oneTimeCodeResendInterval,
      maximumCodes: rules.maximumCodesPerChallenge,
      startedAfter: now - rules.loginChallengeTtl,
    })
    if (!renewed) return explainRefusedResend(ctx, tx, challengeId, now)
    const account = await findAccountState(tx, renewed.account_id)
    if (!account || isAccountLocked(account) || accountStatus(account) !== 'active') {
      await deleteChallenge(tx, challengeId)
      return restartFrom(pending)
    }
    const emailId = await enqueueMail(tx, oneTimeCodeEmail(ctx.mail, {
      to: account.email, civility: account.civility, lastName: account.last_name, code, ttl: rules.oneTimeCodeTtl,
    }), now)
    await recordEvent(tx, {
      type: 'login.codeSent', actorId: account.id, targetId: account.id, ip: meta.ip, userAgent: meta.userAgent, details: { resend: true },
    }, now)
    return { outcome: 'codeSent', emailId }
  })
}

/** Why no new code: gone, too old or out of codes (start again), or another request just sent one. */
async function explainRefusedResend (ctx: FlowContext, tx: Db, challengeId: string, now: number): Promise<ResendResult> {
  const challenge = await findChallenge(tx, challengeId)
  if (!challenge) return restartHome
  if (isChallengeTooOld(ctx, challenge) || isChallengeExhausted(ctx, challenge)) {
    await deleteChallenge(tx, challengeId)
    return restartFrom(challenge)
  }
  const waitSeconds = Math.ceil((Number(challenge.code_sent_at) + ctx.rules.oneTimeCodeResendInterval - now) / 1000)
  return { outcome: 'tooSoon', waitSeconds: Math.max(1, waitSeconds) }
}

function isChallengeTooOld (ctx: FlowContext, challenge: Pick<Challenge, 'created_at'>): boolean {
  return Number(challenge.created_at) <= ctx.clock.now() - ctx.rules.loginChallengeTtl
}

function isChallengeExhausted (ctx: FlowContext, challenge: Pick<Challenge, 'codes_sent'>): boolean {
  return challenge.codes_sent >= ctx.rules.maximumCodesPerChallenge
}

function isCodeDead (ctx: FlowContext, challenge: Pick<Challenge, 'wrong_codes' | 'code_expires_at'>, now: number): boolean {
  return challenge.wrong_codes >= ctx.rules.maximumWrongCodes || Number(challenge.code_expires_at) <= now
}

function codeRejectedEvent (accountId: string, reason: string, meta: RequestMeta) {
  return {
    type: 'login.codeRejected', outcome: 'failure' as const, actorId: accountId, targetId: accountId,
    ip: meta.ip, userAgent: meta.userAgent, details: { reason },
  }
}
