/**
 * Choosing a new password, shared by the reset link (user guide §3.3) and « Mon compte »:
 * the guide's rules plus the project's (common and personal words refused, each broken rule
 * named), and what a new password does once accepted (ASVS 6.4.3, 7.4.3): every other session
 * ends, pending login codes die, a notice email goes out and the audit trail records it, all in
 * the caller's transaction.
 */
import type { Db } from '../../kernel/db/database.ts'
import type { Rules } from '../../config.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'
import { enqueueMail } from '../../kernel/mail/outbox.ts'
import { checkPasswordPolicy, type PasswordRule } from '../../kernel/security/passwords.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { invalidateAccountSessions } from '../sessions/index.ts'
import { endAccessAtClients } from '../../kernel/accounts/client-access.ts'
import { passwordChangedEmail } from './emails/password-changed.ts'
import { deleteLoginChallenges, listAccountHospitalNames, setPasswordHash, type PasswordOwner } from './password-reset.queries.ts'

export interface NewPasswordProblems { brokenRules: PasswordRule[]; mismatch: boolean }

/** The user's own words a password must not contain: names, the email's local part, hospitals. */
export async function findPersonalWords (db: Db, owner: PasswordOwner): Promise<string[]> {
  const hospitals = await listAccountHospitalNames(db, owner.id)
  return [owner.first_name, owner.last_name, owner.email.slice(0, owner.email.lastIndexOf('@')), ...hospitals]
}

/** What is wrong with a new password and its confirmation; undefined when it is acceptable. */
export function findNewPasswordProblems (rules: Rules, personalWords: string[], password: string, confirmation: string): NewPasswordProblems | undefined {
  const brokenRules = checkPasswordPolicy(password, rules, personalWords)
  const mismatch = password !== confirmation
  return brokenRules.length > 0 || mismatch ? { brokenRules, mismatch } : undefined
}

export interface PasswordReplacement {
  passwordHash: string
  /** A reset proves the mailbox: it also unlocks the account (user guide §3.5 advice). */
  unlock: boolean
  /** The session that changed the password from « Mon compte » stays open. */
  keepSessionToken?: string
  event: 'password.reset' | 'password.changed'
  ip: string | null
  userAgent: string | null
}

/** Stores the new hash and applies its consequences, inside the caller's transaction. */
export async function replaceAccountPassword (ctx: FlowContext, tx: Db, owner: PasswordOwner, change: PasswordReplacement): Promise<void> {
  const now = ctx.clock.now()
  await setPasswordHash(tx, owner.id, change.passwordHash, now, change.unlock)
  await invalidateAccountSessions(tx, owner.id, { exceptToken: change.keepSessionToken })
  await endAccessAtClients(tx, owner.id, change.event === 'password.reset' ? 'passwordReset' : 'passwordChanged', now)
  await deleteLoginChallenges(tx, owner.id)
  await enqueueMail(tx, passwordChangedEmail(ctx.mail, owner, now), now)
  await recordEvent(tx, {
    type: change.event,
    actorId: owner.id,
    targetId: owner.id,
    ip: change.ip,
    userAgent: change.userAgent,
    details: change.unlock ? { unlocked: true } : undefined,
  }, now)
}
