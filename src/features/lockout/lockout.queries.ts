/**
 * Lockout's SQL. The failure counter and the lock are changed by conditional UPDATEs computed in
 * the database, never read-modify-write in memory: parallel wrong passwords are all counted, and
 * exactly one transaction moves an account from unlocked to locked.
 */
import type { Db } from '../../kernel/db/database.ts'
import { accountStateColumns } from '../../kernel/accounts/accounts.ts'

/** Adds one failure; returns the new count (undefined for an unknown account). */
export async function incrementFailedPasswordCount (tx: Db, accountId: string): Promise<number | undefined> {
  const row = await tx.updateTable('account')
    .set((eb) => ({ failed_password_count: eb('failed_password_count', '+', 1) }))
    .where('id', '=', accountId)
    .returning('failed_password_count')
    .executeTakeFirst()
  return row === undefined ? undefined : Number(row.failed_password_count)
}

/** Locks the account only if it is unlocked: of several racing callers, one gets `true`. */
export async function setLockedIfUnlocked (tx: Db, accountId: string, now: number): Promise<boolean> {
  const row = await tx.updateTable('account')
    .set({ locked_at: now })
    .where('id', '=', accountId)
    .where('locked_at', 'is', null)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** Zeroes the counter of an unlocked account and returns its state; undefined when it is locked (or unknown). */
export function clearFailuresIfUnlocked (tx: Db, accountId: string) {
  return tx.updateTable('account')
    .set({ failed_password_count: 0 })
    .where('id', '=', accountId)
    .where('locked_at', 'is', null)
    .returning(accountStateColumns)
    .executeTakeFirst()
}

/** Undoes setLockedIfUnlocked in the same transaction (the address had used up its locks); the count stays. */
export async function releaseLock (tx: Db, accountId: string): Promise<void> {
  await tx.updateTable('account').set({ locked_at: null }).where('id', '=', accountId).execute()
}

export async function clearLock (tx: Db, accountId: string): Promise<void> {
  await tx.updateTable('account')
    .set({ locked_at: null, failed_password_count: 0 })
    .where('id', '=', accountId)
    .execute()
}

export function findLockedAccountRecipient (tx: Db, accountId: string) {
  return tx.selectFrom('account')
    .select(['account.id', 'account.email', 'account.civility', 'account.last_name', 'account.failed_password_count'])
    .where('account.id', '=', accountId)
    .where('account.locked_at', 'is not', null)
    .executeTakeFirst()
}
