/**
 * Who asked an email change (admin guide §3.3): the link is used only while that person may still
 * change the account (hospital-scope.ts), checked again when the holder confirms it, and a change
 * of that person's status, role or sites voids the links they asked. No foreign key: a deleted
 * requester leaves an id no one matches, and the link is refused. Links of other purposes and
 * email-change links written before this column (no requester known) keep null; the latter are
 * refused when confirmed, which asks the manager to start again.
 */
import type { Kysely } from 'kysely'

export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('account_token').addColumn('requested_by', 'text').execute()
  await db.schema.createIndex('account_token_by_requester').on('account_token').column('requested_by').execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('account_token_by_requester').execute()
  await db.schema.alterTable('account_token').dropColumn('requested_by').execute()
}
