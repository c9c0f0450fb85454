/**
 * Performance at 100,000 accounts (docs/performance.md): the console's list and counts
 * walk the 15,000 accounts of a large hospital for each request. `account_listing` holds, beside
 * the id, every column they sort, filter or count on, so those walks read this narrow index
 * instead of the wide account rows (names, email, password hash); only the 50 rows of the page
 * are then read in full.
 */
import type { Kysely } from 'kysely'

export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('account_listing').on('account').columns([
    'id', 'created_at', 'deactivated_at', 'email_confirmed_at', 'activated_at', 'locked_at', 'profession_code', 'search_text',
  ]).execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('account_listing').execute()
}
