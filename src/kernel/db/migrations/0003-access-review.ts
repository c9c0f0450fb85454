/**
 * Audit trail viewer and access review (guide « Présentation »: the yearly access review): indexes for the journal's filters and the
 * retention purge, and the access-review notices (a campaign per hospital opens when reviews
 * become due and closes when none are left; each manager gets its « due » email and its reminder
 * once per campaign).
 */
import type { Kysely } from 'kysely'

export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('audit_event_by_hospital').on('audit_event').columns(['hospital_id', 'seq']).execute()
  await db.schema.createIndex('audit_event_by_actor').on('audit_event').columns(['actor_id', 'seq']).execute()
  await db.schema.createIndex('audit_event_by_type').on('audit_event').columns(['type', 'seq']).execute()
  await db.schema.createIndex('audit_event_by_at').on('audit_event').column('at').execute()
  await db.schema.createIndex('account_by_access_review').on('account').columns(['access_reviewed_at']).execute()

  await db.schema.createTable('access_review_campaign')
    .addColumn('hospital_id', 'text', (c) => c.primaryKey().references('hospital.id'))
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema.createTable('access_review_notice')
    .addColumn('hospital_id', 'text', (c) => c.notNull())
    .addColumn('manager_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('campaign_started_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_review_notice_pk', ['hospital_id', 'manager_id', 'kind', 'campaign_started_at'])
    .execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('access_review_notice').execute()
  await db.schema.dropTable('access_review_campaign').execute()
  for (const index of ['account_by_access_review', 'audit_event_by_at', 'audit_event_by_type', 'audit_event_by_actor', 'audit_event_by_hospital']) {
    await db.schema.dropIndex(index).execute()
  }
}
