/**
 * Lockout: user guide §3.5 « Compte verrouillé »; admin guide §7 « Renvoyer l'email de
 * déverrouillage de compte ».
 * After rules.maximumFailedPasswords wrong passwords in a row the account is locked and one
 * unlock link (valid rules.unlockTtl, single use) is emailed, in the transaction that locks it.
 * Attempts on a locked account change nothing and send nothing (the login flow does not call
 * in here for them). A correct password on an unlocked account resets the count. The link
 * unlocks the account; it does not log in. An account manager can send a new link.
 * The lock stops new password logins only: sessions already open go on (anyone who knows an
 * address can lock its account, so a lock must not log its owner out). One client address locks
 * at most rules.accountLocksPerAddress accounts per rules.accountLockRateLimitWindow; past that,
 * the password step refuses all its attempts before reading the account.
 */
import type { Db } from '../../kernel/db/database.ts'
import type { Rules } from '../../config.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'
import { enqueueMail } from '../../kernel/mail/outbox.ts'
import { countRateLimitHits, isOverLimit, throwIfLimitReached, type RateLimitHits } from '../../kernel/security/rate-limits.ts'
import { consumeAccountToken, issueAccountToken } from '../../kernel/accounts/account-tokens.ts'
import { unlockEmail } from './emails/unlock-email.ts'
import {
  clearFailuresIfUnlocked, clearLock, findLockedAccountRecipient, incrementFailedPasswordCount, releaseLock, setLockedIfUnlocked,
} from './lockout.queries.ts'
import { noRequestMeta, recordEvent, type RequestMeta } from '../../kernel/audit/audit-trail.ts'

/** What lockout needs from the app: `app` itself fits. */

/** Who acted, for the audit trail. */

export function isAccountLocked (account: { locked_at: number | null }): boolean {
  return account.locked_at !== null
}

/**
 * Counts one wrong password (in SQL, so parallel failures are all counted) and locks the account
 * when the count reaches the maximum. `locked` is true only for the one call that locked it.
 */
export async function recordFailedPassword (ctx: FlowContext, tx: Db, accountId: string, meta: RequestMeta) {
  const failedPasswordCount = await incrementFailedPasswordCount(tx, accountId) ?? 0
  if (failedPasswordCount < ctx.rules.maximumFailedPasswords) return { failedPasswordCount, locked: false }
  const locked = await lockAccount(ctx, tx, accountId, meta)
  return { failedPasswordCount, locked }
}

/**
 * Locks an unlocked account, emails the unlock link and records `account.locked`, all in the
 * caller's transaction. Returns false (and sends nothing) when it was already locked, or when
 * the requesting address has used up its locks (then the failures stay counted, unlocked).
 */
export async function lockAccount (ctx: FlowContext, tx: Db, accountId: string, meta: RequestMeta = noRequestMeta): Promise<boolean> {
  const now = ctx.clock.now()
  if (!await setLockedIfUnlocked(tx, accountId, now)) return false
  // Counted only by the request that really locks (of racing ones, one), and atomically, so
  // parallel attempts from one address on many accounts cannot lock more than the cap.
  if (!await countLockByAddress(tx, meta.ip, ctx.rules, now)) {
    await releaseLock(tx, accountId)
    return false
  }
  await sendUnlockEmail(ctx, tx, accountId)
  await recordEvent(tx, { type: 'account.locked', targetId: accountId, ip: meta.ip, userAgent: meta.userAgent }, now)
  return true
}

const lockCapKey = (ip: string) => `lockout:locks:ip:${ip}`
const lockCap = (rules: Rules) => ({ limit: rules.accountLocksPerAddress, window: rules.accountLockRateLimitWindow })

/** Counts one lock against the address; false when that goes past its cap. */
async function countLockByAddress (tx: Db, ip: string | null | undefined, rules: Rules, now: number): Promise<boolean> {
  if (!ip) return true
  const [counted] = await countRateLimitHits(tx, [lockCapKey(ip)], rules.accountLockRateLimitWindow, now)
  return !isOverLimit(counted as RateLimitHits, lockCap(rules))
}

/**
 * For the password step, before it reads the account: refuses (RateLimited) every attempt from
 * an address that has locked its share of accounts this window, whatever the email and the
 * password, so the refusal is the same for everyone and nothing is counted. Refusing only wrong
 * passwords would let that address guess passwords without ever locking the account.
 */
export async function refuseAddressPastLockCap (db: Db, ip: string | null | undefined, rules: Rules, now: number): Promise<void> {
  if (!ip) return
  await throwIfLimitReached(db, lockCapKey(ip), lockCap(rules), now)
}

/**
 * Queues « Déverrouillez votre compte » with a new single-use link (older links die). Also used
 * by the admin console's « Renvoyer le mail de déverrouillage ». False when the account is not locked.
 */
export async function sendUnlockEmail (ctx: FlowContext, tx: Db, accountId: string): Promise<boolean> {
  const now = ctx.clock.now()
  const account = await findLockedAccountRecipient(tx, accountId)
  if (!account) return false
  const token = await issueAccountToken(tx, accountId, 'unlock', ctx.rules.unlockTtl, now)
  await enqueueMail(tx, unlockEmail(ctx.mail, {
    to: account.email,
    civility: account.civility,
    lastName: account.last_name,
    failures: ctx.rules.maximumFailedPasswords,
    token,
    ttl: ctx.rules.unlockTtl,
  }), now)
  return true
}

/**
 * A correct password: the count goes back to zero, and the account's state as it is now comes
 * back (same statement). Undefined when the account is locked at this moment (checked in the
 * same UPDATE), so a correct password racing the wrong ones that lock the account is refused.
 */
export function resetFailedPasswordCount (tx: Db, accountId: string) {
  return clearFailuresIfUnlocked(tx, accountId)
}

export type UnlockResult = { outcome: 'unlocked'; accountId: string } | { outcome: 'invalidLink' }

/** Uses the emailed link once: unlocks the account and zeroes its count. Does not log in. */
export async function unlockAccountByToken (ctx: FlowContext, token: unknown, meta: RequestMeta): Promise<UnlockResult> {
  const now = ctx.clock.now()
  return ctx.db.transaction().execute(async (tx) => {
    const consumed = await consumeAccountToken(tx, token, 'unlock', now)
    if (!consumed) return { outcome: 'invalidLink' } as const
    await clearLock(tx, consumed.accountId)
    await recordEvent(tx, {
      type: 'account.unlocked', actorId: consumed.accountId, targetId: consumed.accountId,
      ip: meta.ip, userAgent: meta.userAgent, details: { via: 'emailLink' },
    }, now)
    return { outcome: 'unlocked', accountId: consumed.accountId } as const
  })
}
