/**
 * Notifications (admin guide, « vous intervenez à l’étape d’activation »): when each account manager last received a digest of
 * a kind (e.g. the accounts waiting for activation), so that they get at most one a day and a
 * digest lists only what is new since the previous one. Several instances may send digests: the
 * row is updated conditionally on its previous value, so only one of them sends.
 */
import type { Kysely } from 'kysely'

export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('notification_digest')
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('last_sent_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_digest_pk', ['account_id', 'kind'])
    .execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notification_digest').execute()
}
