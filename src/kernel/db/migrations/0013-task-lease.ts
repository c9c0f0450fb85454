/**
 * The in-process scheduler (kernel/db/task-lease.ts): every instance fires the daily tasks at
 * DAILY_TASKS_AT, and one row per task and day decides which one runs them. The row outlives the
 * run (finished_at), so an instance started later that day does not run them again.
 */
import type { Kysely } from 'kysely'

export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('task_lease')
    .addColumn('task', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addPrimaryKeyConstraint('task_lease_pk', ['task', 'day'])
    .execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('task_lease').execute()
}
