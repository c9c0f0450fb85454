/**
 * Indexes for the account-management console (admin guide « L'interface de gestion » §1): the
 * user list sorted by name, and the status filters, stay fast at 100,000 accounts. The hospital
 * scope itself walks `site_by_hospital` then `account_site_by_site`, both from 0001.
 */
import type { Kysely } from 'kysely'

export async function up (db: Kysely<unknown>): Promise<void> {
  // search_text starts with the folded last then first name: the list's name order.
  await db.schema.createIndex('account_by_search_text').on('account').columns(['search_text', 'id']).execute()
  await db.schema.createIndex('account_by_state').on('account')
    .columns(['deactivated_at', 'activated_at', 'email_confirmed_at']).execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('account_by_state').execute()
  await db.schema.dropIndex('account_by_search_text').execute()
}
