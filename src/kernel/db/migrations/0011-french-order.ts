/**
 * French order of hospitals and sites (see kernel/french-order.ts): each gets a `sort_key`
 * computed in TypeScript whenever its name is written, compared bytewise on both engines
 * (`collate "C"` on PostgreSQL, whose default collation depends on the server's locale). This
 * migration fills the key of the rows written before it.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely'
import { frenchSortKey } from '../../french-order.ts'

export async function up (db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  for (const table of ['hospital', 'site']) {
    await db.schema.alterTable(table)
      .addColumn('sort_key', 'text', (c) => (postgres ? c.modifyFront(sql`collate "C"`) : c).notNull().defaultTo(''))
      .execute()
  }
  const rows = db as unknown as Kysely<{ hospital: { id: string; name: string; sort_key: string }; site: { id: string; title: string; sort_key: string } }>
  for (const hospital of await rows.selectFrom('hospital').select(['id', 'name']).execute()) {
    await rows.updateTable('hospital').set({ sort_key: frenchSortKey(hospital.name) }).where('id', '=', hospital.id).execute()
  }
  for (const site of await rows.selectFrom('site').select(['id', 'title']).execute()) {
    await rows.updateTable('site').set({ sort_key: frenchSortKey(site.title) }).where('id', '=', site.id).execute()
  }
  await db.schema.createIndex('site_by_hospital_in_french_order').on('site').columns(['hospital_id', 'sort_key', 'id']).execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('site_by_hospital_in_french_order').execute()
  await db.schema.alterTable('site').dropColumn('sort_key').execute()
  await db.schema.alterTable('hospital').dropColumn('sort_key').execute()
}
