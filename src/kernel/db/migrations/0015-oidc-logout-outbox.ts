/**
 * Back-channel logouts to send (features/openid-provider): written in the same transaction as
 * the change that ends the user's access (deactivation, site removal, email change, password
 * reset), delivered by a dispatcher with retries, claimed one row at a time like the mail outbox.
 * The logout token is signed at delivery: nothing usable is stored.
 */
import type { Kysely } from 'kysely'

export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('oidc_logout_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('sid', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .addColumn('sent_at', 'bigint')
    .addColumn('last_error', 'text')
    .execute()
  await db.schema.createIndex('oidc_logout_outbox_due').on('oidc_logout_outbox').columns(['status', 'next_attempt_at']).execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_logout_outbox').execute()
}
