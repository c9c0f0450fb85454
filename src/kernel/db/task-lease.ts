/**
 * Leases of scheduled tasks: several instances fire the same task at the same time, and one row
 * per task and day (table task_lease) lets exactly one of them run it. Claiming is one statement
 * whose outcome the database decides (an insert that conflicts does nothing; a takeover is an
 * update conditional on the lease having expired), so two instances never both win, on SQLite
 * or PostgreSQL.
 *
 * The holder renews the lease while it works. A holder that dies (killed, machine lost) stops
 * renewing: once the lease has expired another instance takes the run over, at most
 * `maximumAttempts` times a day (a task that fails every time is not retried forever).
 */
import type { Db } from './database.ts'

export interface LeaseClaim {
  task: string
  /** The Paris day of the run (YYYY-MM-DD): one run per task and day. */
  day: string
  holder: string
  now: number
  ttl: number
}

/** Takes the day's lease: a new one, or one whose holder stopped renewing it before finishing. */
export async function claimTaskLease (db: Db, claim: LeaseClaim, maximumAttempts: number): Promise<boolean> {
  const inserted = await db.insertInto('task_lease')
    .values({
      task: claim.task, day: claim.day, holder: claim.holder, attempts: 1,
      started_at: claim.now, expires_at: claim.now + claim.ttl, finished_at: null,
    })
    .onConflict((oc) => oc.columns(['task', 'day']).doNothing())
    .executeTakeFirst()
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return true
  return takeOverExpiredTaskLease(db, claim, maximumAttempts)
}

/** Takes over the day's lease only if it exists, is unfinished and has expired. */
export async function takeOverExpiredTaskLease (db: Db, claim: LeaseClaim, maximumAttempts: number): Promise<boolean> {
  const updated = await db.updateTable('task_lease')
    .set((eb) => ({ holder: claim.holder, attempts: eb('attempts', '+', 1), started_at: claim.now, expires_at: claim.now + claim.ttl }))
    .where('task', '=', claim.task)
    .where('day', '=', claim.day)
    .where('finished_at', 'is', null)
    .where('expires_at', '<', claim.now)
    .where('attempts', '<', maximumAttempts)
    .executeTakeFirst()
  return Number(updated.numUpdatedRows) === 1
}

/** Extends the lease; false when it is no longer this holder's (it expired and was taken over). */
export async function renewTaskLease (db: Db, claim: LeaseClaim): Promise<boolean> {
  const updated = await db.updateTable('task_lease')
    .set({ expires_at: claim.now + claim.ttl })
    .where('task', '=', claim.task)
    .where('day', '=', claim.day)
    .where('holder', '=', claim.holder)
    .where('finished_at', 'is', null)
    .executeTakeFirst()
  return Number(updated.numUpdatedRows) === 1
}

/** Marks the day's run done: nobody runs it again that day. */
export async function finishTaskLease (db: Db, claim: Omit<LeaseClaim, 'ttl'>): Promise<void> {
  await db.updateTable('task_lease')
    .set({ finished_at: claim.now, expires_at: claim.now })
    .where('task', '=', claim.task)
    .where('day', '=', claim.day)
    .where('holder', '=', claim.holder)
    .where('finished_at', 'is', null)
    .execute()
}

/** Gives a failed run back at once (expired now): the next instance's check retries it. */
export async function releaseTaskLease (db: Db, claim: Omit<LeaseClaim, 'ttl'>): Promise<void> {
  await db.updateTable('task_lease')
    .set({ expires_at: claim.now - 1 })
    .where('task', '=', claim.task)
    .where('day', '=', claim.day)
    .where('holder', '=', claim.holder)
    .where('finished_at', 'is', null)
    .execute()
}

/** When the task last finished, in the whole deployment (for the metrics); undefined if never. */
export async function findLastFinishedRun (db: Db, task: string): Promise<number | undefined> {
  const row = await db.selectFrom('task_lease').select((eb) => eb.fn.max('finished_at').as('at'))
    .where('task', '=', task).executeTakeFirst()
  return row?.at === null || row?.at === undefined ? undefined : Number(row.at)
}
