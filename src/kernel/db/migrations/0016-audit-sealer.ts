/**
 * The audit trail is sealed after the fact (kernel/audit/audit-seal.ts): an audited transaction
 * only inserts its event, and a sealer chains the committed events a moment later. Until then
 * an event has no chain place: `chain_seq`, `chain_previous_hash` and `chain_hash` are empty.
 *
 * `seq` stays the order of writing (the journal's order and its indexes) and no longer needs the
 * chain's lock: on PostgreSQL a sequence gives it, on SQLite (one writer at a time) the next
 * number after the highest. The events written before this migration were chained in `seq`
 * order, so they keep their place and hashes (`chain_seq` = `seq`).
 *
 * The chain head also holds the sealer's lease: which instance seals, until when.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely'

export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_event').addColumn('chain_seq', 'bigint').execute()
  await db.schema.alterTable('audit_event').addColumn('chain_previous_hash', 'text').execute()
  await db.schema.alterTable('audit_event').addColumn('chain_hash', 'text').execute()
  await sql`update audit_event set chain_seq = seq, chain_previous_hash = previous_hash, chain_hash = hash`.execute(db)
  await db.schema.alterTable('audit_event').dropColumn('previous_hash').execute()
  await db.schema.alterTable('audit_event').dropColumn('hash').execute()
  // Also finds the events not sealed yet (chain_seq is null), the sealer's read: no other index,
  // each one is written by every audited transaction.
  await db.schema.createIndex('audit_event_by_chain_seq').on('audit_event').column('chain_seq').unique().execute()

  await db.schema.alterTable('audit_chain_head').addColumn('sealer', 'text').execute()
  await db.schema.alterTable('audit_chain_head').addColumn('sealer_expires_at', 'bigint').execute()

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create sequence audit_event_seq`.execute(db)
    await sql`select setval('audit_event_seq', (select coalesce(max(seq), 0) + 1 from audit_event), false)`.execute(db)
    await sql`alter table audit_event alter column seq set default nextval('audit_event_seq')`.execute(db)
  }
}

export async function down (db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table audit_event alter column seq drop default`.execute(db)
    await sql`drop sequence audit_event_seq`.execute(db)
  }
  await db.schema.alterTable('audit_chain_head').dropColumn('sealer_expires_at').execute()
  await db.schema.alterTable('audit_chain_head').dropColumn('sealer').execute()
  await db.schema.dropIndex('audit_event_by_chain_seq').execute()
  await db.schema.alterTable('audit_event').addColumn('previous_hash', 'text', (c) => c.notNull().defaultTo('')).execute()
  await db.schema.alterTable('audit_event').addColumn('hash', 'text', (c) => c.notNull().defaultTo('')).execute()
  await sql`update audit_event set previous_hash = coalesce(chain_previous_hash, ''), hash = coalesce(chain_hash, '')`.execute(db)
  for (const column of ['chain_hash', 'chain_previous_hash', 'chain_seq']) {
    await db.schema.alterTable('audit_event').dropColumn(column).execute()
  }
}
