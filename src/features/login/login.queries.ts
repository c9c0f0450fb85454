/**
 * Login's SQL: the account as the password step needs it, and the login challenge (the pending
 * login between the password and the code). Every change to a challenge is one conditional
 * statement, so parallel submissions cannot evaluate more codes than allowed or use one twice.
 */
import type { Db } from '../../kernel/db/database.ts'
import { compiledOnce } from '../../kernel/db/compiled.ts'
import { accountStateColumns, selectManagedHospitalIds, statusCondition } from '../../kernel/accounts/accounts.ts'
import type { LoginChallengeTable } from '../../kernel/db/schema.ts'

/** The only place login reads the password hash. */
export function findAccountForLogin (db: Db, normalizedEmail: string) {
  return selectAccountForLogin.first(db, normalizedEmail)
}

const selectAccountForLogin = compiledOnce((db: Db, normalizedEmail: string) => db.selectFrom('account')
  .select(['id', 'password_hash', 'locked_at', 'email_confirmed_at', 'activated_at', 'deactivated_at'])
  .where('email', '=', normalizedEmail))

/** State and contact of an account, read inside a transaction to decide on fresh data. */
export function findAccountState (tx: Db, accountId: string) {
  return selectAccountState.first(tx, accountId)
}

const selectAccountState = compiledOnce((tx: Db, accountId: string) => tx.selectFrom('account').select(accountStateColumns).where('id', '=', accountId))

/**
 * The code step's one statement on the account: records the login (`last_login_at`) only if the
 * account may still log in, active and unlocked, checked under the row's lock (a deactivation or a
 * lock committed meanwhile wins), and tells whether it manages accounts (a super-administrator, or
 * the holder of a hospital's « Site administrateur comptes », as findManagedHospitalIds), for where
 * the login lands. Undefined when the account may not log in.
 */
export async function recordLoginOfUsableAccount (tx: Db, accountId: string, now: number) {
  const row = await updateLastLoginAtIfUsable.first(tx, now, accountId)
  return row && { id: row.id, managesAccounts: row.is_superadmin === 1 || row.managed_hospital != null }
}

const updateLastLoginAtIfUsable = compiledOnce((tx: Db, now: number, accountId: string) => tx.updateTable('account')
  .set({ last_login_at: now })
  .where('id', '=', accountId)
  .where(statusCondition('active'))
  .where('locked_at', 'is', null)
  .returning(['id', 'is_superadmin', selectManagedHospitalIds(tx, accountId).limit(1).as('managed_hospital')]))

/** One pending login per account (unique index): a new password step replaces the previous one and its code. */
export async function replaceChallenge (tx: Db, c: LoginChallengeTable): Promise<void> {
  await upsertChallenge(tx, c.id_digest, c.account_id, c.code_digest, c.created_at, c.code_sent_at, c.code_expires_at, c.wrong_codes, c.codes_sent, c.return_to)
}

const upsertChallenge = compiledOnce((tx: Db, idDigest: string, accountId: string, codeDigest: string, createdAt: number, codeSentAt: number,
  codeExpiresAt: number, wrongCodes: number, codesSent: number, returnTo: string | null) => tx.insertInto('login_challenge')
  .values({
    id_digest: idDigest, account_id: accountId, code_digest: codeDigest, created_at: createdAt, code_sent_at: codeSentAt,
    code_expires_at: codeExpiresAt, wrong_codes: wrongCodes, codes_sent: codesSent, return_to: returnTo,
  })
  .onConflict((oc) => oc.column('account_id').doUpdateSet((eb) => ({
    id_digest: eb.ref('excluded.id_digest'),
    code_digest: eb.ref('excluded.code_digest'),
    created_at: eb.ref('excluded.created_at'),
    code_sent_at: eb.ref('excluded.code_sent_at'),
    code_expires_at: eb.ref('excluded.code_expires_at'),
    wrong_codes: eb.ref('excluded.wrong_codes'),
    codes_sent: eb.ref('excluded.codes_sent'),
    return_to: eb.ref('excluded.return_to'),
  }))))

const challengeColumns = ['id_digest', 'account_id', 'code_digest', 'created_at', 'code_sent_at', 'code_expires_at', 'wrong_codes', 'codes_sent', 'return_to'] as const

export function findChallenge (db: Db, idDigest: string) {
  return selectChallenge.first(db, idDigest)
}

const selectChallenge = compiledOnce((db: Db, idDigest: string) => db.selectFrom('login_challenge').select(challengeColumns).where('id_digest', '=', idDigest))

export async function deleteChallenge (tx: Db, idDigest: string): Promise<void> {
  await tx.deleteFrom('login_challenge').where('id_digest', '=', idDigest).execute()
}

/**
 * Spends one of the current code's attempts before the code is compared, so a burst of parallel
 * guesses evaluates at most `maximumWrongCodes` of them. Undefined when the challenge is gone,
 * too old, its code expired or its attempts spent.
 */
export function reserveCodeAttempt (tx: Db, idDigest: string, limits: { maximumWrongCodes: number; startedAfter: number; now: number }) {
  return spendCodeAttempt.first(tx, idDigest, limits.maximumWrongCodes, limits.now, limits.startedAfter)
}

const spendCodeAttempt = compiledOnce((tx: Db, idDigest: string, maximumWrongCodes: number, now: number, startedAfter: number) => tx.updateTable('login_challenge')
  .set((eb) => ({ wrong_codes: eb('wrong_codes', '+', 1) }))
  .where('id_digest', '=', idDigest)
  .where('wrong_codes', '<', maximumWrongCodes)
  .where('code_expires_at', '>', now)
  .where('created_at', '>', startedAfter)
  .returning(challengeColumns))

/** Uses the challenge once: of two parallel correct codes, one gets the row. */
export function consumeChallenge (tx: Db, idDigest: string, codeDigest: string) {
  return deleteChallengeWithCode.first(tx, idDigest, codeDigest)
}

const deleteChallengeWithCode = compiledOnce((tx: Db, idDigest: string, codeDigest: string) => tx.deleteFrom('login_challenge')
  .where('id_digest', '=', idDigest)
  .where('code_digest', '=', codeDigest)
  .returning(['account_id', 'return_to']))

/**
 * « Envoyer un nouveau code »: replaces the code (the old one dies) if the last one was sent long
 * enough ago and the attempt may still send codes. Undefined otherwise.
 */
export function renewChallengeCode (tx: Db, idDigest: string, codeDigest: string, limits: {
  now: number; expiresAt: number; sentBefore: number; maximumCodes: number; startedAfter: number
}) {
  return tx.updateTable('login_challenge')
    .set((eb) => ({
      code_digest: codeDigest,
      code_sent_at: limits.now,
      code_expires_at: limits.expiresAt,
      wrong_codes: 0,
      codes_sent: eb('codes_sent', '+', 1),
    }))
    .where('id_digest', '=', idDigest)
    .where('code_sent_at', '<=', limits.sentBefore)
    .where('codes_sent', '<', limits.maximumCodes)
    .where('created_at', '>', limits.startedAfter)
    .returning('account_id')
    .executeTakeFirst()
}

/**
 * Whether the login code email queued at `sentAt` for this address has not left yet although
 * the dispatcher tried (SMTP down or slow): the code page then says so.
 */
export async function isOneTimeCodeEmailDelayed (db: Db, recipient: string, sentAt: number): Promise<boolean> {
  const row = await db.selectFrom('outbox')
    .select(['status', 'attempts'])
    .where('recipient', '=', recipient)
    .where('template', '=', 'oneTimeCode')
    .where('created_at', '>=', sentAt)
    .orderBy('created_at', 'desc').orderBy('id', 'desc')
    .executeTakeFirst()
  return row !== undefined && row.status !== 'sent' && row.attempts > 0
}
