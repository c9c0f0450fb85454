/**
 * Session expiry without lost input (user guide §3.4 « Session expirée »): a form posted after
 * the session ended is kept, without its passwords, for the login that follows, then shown again
 * on its page. One row per browser, short-lived.
 */
import type { Kysely } from 'kysely'

export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('saved_form')
    .addColumn('id_digest', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('posted_to', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('saved_form_by_age').on('saved_form').column('created_at').execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('saved_form').execute()
}
