/**
 * The console's listing by hospital (docs/performance.md): `account_hospital` holds one
 * row per (hospital, account registered on at least one of its sites), with a copy of the
 * account columns the console's list, status counts and due access reviews filter, sort and
 * count on, and the number of hospitals the account is registered in (admin guide §3.4.3).
 *
 * Why a copy: an account manager's page walks the 15,000 accounts of a large hospital (status
 * counts, due reviews, a filter or a search). Through account_site → site → account that is
 * 15,000 random lookups per walk (~15 ms of CPU each on SQLite); here it is one contiguous range
 * of one table, clustered by (hospital, registration time) (~1–2 ms).
 *
 * Kept in sync by triggers, in the writer's own statement and transaction, whoever writes:
 * a site added to or removed from an account (registration, console, demo data, imports, a
 * cascade from a deleted account) and any change of a copied account column (confirmation,
 * activation, deactivation, lock, name or email edit, review). The application never writes
 * this table; the test « account_hospital follows every writer » checks the invariant.
 * A site's hospital never changes (no writer sets site.hospital_id after insert).
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely'

/** The account columns copied into account_hospital, under the same names. */
const copied = [
  'created_at', 'email_confirmed_at', 'activated_at', 'deactivated_at', 'locked_at', 'profession_code', 'search_text',
  'is_superadmin', 'access_reviewed_at',
] as const

const list = (prefix: string) => copied.map((c) => `${prefix}${c}`).join(', ')
const assignments = copied.map((c) => `${c} = new.${c}`).join(', ')

/** Recount the hospitals of one account on every one of its rows. */
const recount = (id: string) =>
  `update account_hospital set hospital_count = (select count(*) from account_hospital h where h.account_id = ${id}) where account_id = ${id};`

const addRow = `
  insert into account_hospital (hospital_id, account_id, ${list('')}, hospital_count)
  select site.hospital_id, account.id, ${list('account.')}, 1
  from site, account where site.id = new.site_id and account.id = new.account_id
  on conflict do nothing;
  ${recount('new.account_id')}`

const removeRow = `
  delete from account_hospital
  where account_id = old.account_id
    and hospital_id = (select hospital_id from site where id = old.site_id)
    and not exists (select 1 from account_site s inner join site o on o.id = s.site_id
      where s.account_id = old.account_id and o.hospital_id = account_hospital.hospital_id);
  ${recount('old.account_id')}`

const copyAccount = `update account_hospital set ${assignments} where account_id = new.id;`

export async function up (db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  let table = db.schema.createTable('account_hospital')
    .addColumn('hospital_id', 'text', (c) => c.notNull().references('hospital.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('email_confirmed_at', 'bigint')
    .addColumn('activated_at', 'bigint')
    .addColumn('deactivated_at', 'bigint')
    .addColumn('locked_at', 'bigint')
    .addColumn('profession_code', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('is_superadmin', 'integer', (c) => c.notNull())
    .addColumn('access_reviewed_at', 'bigint')
    .addColumn('hospital_count', 'integer', (c) => c.notNull())
  // The list's default order (newest registrations first) is this key read backwards.
  const key = ['hospital_id', 'created_at', 'account_id'] as const
  // SQLite: the rows themselves are stored in key order, so a hospital's accounts are one range.
  if (!postgres) table = table.addPrimaryKeyConstraint('account_hospital_pk', [...key]).modifyEnd(sql`without rowid`)
  await table.execute()
  // PostgreSQL stores rows in insertion order: the key's index carries the other columns, so a
  // hospital's walk is an index-only scan of one range (the visibility map, kept by autovacuum).
  if (postgres) {
    await sql.raw(`alter table account_hospital add constraint account_hospital_pk primary key (${key.join(', ')})
      include (${[...copied.filter((c) => c !== 'created_at'), 'hospital_count'].join(', ')})`).execute(db)
  }
  await db.schema.createIndex('account_hospital_by_account').unique().on('account_hospital').columns(['account_id', 'hospital_id']).execute()
  await db.schema.createIndex('account_hospital_by_name').on('account_hospital').columns(['hospital_id', 'search_text', 'account_id']).execute()

  await sql.raw(`
    insert into account_hospital (hospital_id, account_id, ${list('')}, hospital_count)
    select distinct site.hospital_id, account.id, ${list('account.')}, 1
    from account_site inner join site on site.id = account_site.site_id inner join account on account.id = account_site.account_id`).execute(db)
  await sql.raw(`update account_hospital set hospital_count = (select count(*) from account_hospital h where h.account_id = account_hospital.account_id)`).execute(db)

  const columns = copied.join(', ')
  if (postgres) {
    for (const [name, body] of [['account_hospital_add', addRow], ['account_hospital_remove', removeRow], ['account_hospital_copy', copyAccount]] as const) {
      await sql.raw(`create function ${name}() returns trigger language plpgsql as $$ begin ${body} return null; end $$`).execute(db)
    }
    await sql.raw('create trigger account_site_added after insert on account_site for each row execute function account_hospital_add()').execute(db)
    await sql.raw('create trigger account_site_removed after delete on account_site for each row execute function account_hospital_remove()').execute(db)
    await sql.raw(`create trigger account_listed_columns_changed after update of ${columns} on account for each row execute function account_hospital_copy()`).execute(db)
  } else {
    await sql.raw(`create trigger account_site_added after insert on account_site begin ${addRow} end`).execute(db)
    await sql.raw(`create trigger account_site_removed after delete on account_site begin ${removeRow} end`).execute(db)
    await sql.raw(`create trigger account_listed_columns_changed after update of ${columns} on account begin ${copyAccount} end`).execute(db)
  }
}

export async function down (db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  for (const trigger of [['account_site_added', 'account_site'], ['account_site_removed', 'account_site'], ['account_listed_columns_changed', 'account']]) {
    await sql.raw(postgres ? `drop trigger if exists ${trigger[0]} on ${trigger[1]}` : `drop trigger if exists ${trigger[0]}`).execute(db)
  }
  if (postgres) {
    for (const name of ['account_hospital_add', 'account_hospital_remove', 'account_hospital_copy']) await sql.raw(`drop function if exists ${name}()`).execute(db)
  }
  await db.schema.dropTable('account_hospital').execute()
}
