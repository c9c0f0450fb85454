/**
 * Every account address in its canonical form (kernel/text.ts `canonicalEmail`: domain NFKC,
 * IDNA to punycode, lower case; local part NFC, lower case). Before it, « ext．aphp.fr »
 * (U+FF0E), « ext。aphp.fr » (U+3002) and « ext｡aphp.fr » (U+FF61) were three keys for one
 * mailbox, so one person could hold several accounts and multiply every per-address limit.
 *
 * Never merges: two accounts are two histories (sites, audit, activation), and only a person can
 * tell which one is the mailbox owner's. When several rows share a canonical address, all of them
 * stay as they are and each is recorded in `email_canonical_collision` ('collision'); a row whose
 * address the canonical form refuses (a zero-width character in the local part…) stays too
 * ('refused'). The migration never fails on such data, so the service still starts; the
 * `migrate` command lists the unsettled rows and the server logs their number at start.
 * Until settled, a login with any spelling reaches the account holding the canonical address.
 *
 * A pending email change holds its new address in `account_token.payload`: it is rewritten to
 * the canonical form, or voided (marked used) when that form refuses it.
 */
import { type Kysely } from 'kysely'
import type { Database } from '../schema.ts'
import { canonicalEmail } from '../../text.ts'
import { accountSearchText } from '../../accounts/accounts.ts'

interface Planned { id: string; email: string; canonical: string; lastName: string; firstName: string }

export async function up (untyped: Kysely<unknown>): Promise<void> {
  await untyped.schema.createTable('email_canonical_collision')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('account.id').onDelete('cascade'))
    .addColumn('stored_email', 'text', (c) => c.notNull())
    .addColumn('canonical_email', 'text')
    .addColumn('problem', 'text', (c) => c.notNull())
    .addColumn('detected_at', 'bigint', (c) => c.notNull())
    .execute()
  const db = untyped as unknown as Kysely<Database>
  const now = Date.now()
  const accounts = await db.selectFrom('account').select(['id', 'email', 'last_name', 'first_name']).execute()
  const byCanonical = new Map<string, Planned[]>()
  for (const account of accounts) {
    const canonical = canonicalEmail(account.email)
    if (!canonical.ok) {
      await db.insertInto('email_canonical_collision')
        .values({ account_id: account.id, stored_email: account.email, canonical_email: null, problem: 'refused', detected_at: now }).execute()
      continue
    }
    const planned = { id: account.id, email: account.email, canonical: canonical.email, lastName: account.last_name, firstName: account.first_name }
    byCanonical.set(canonical.email, [...byCanonical.get(canonical.email) ?? [], planned])
  }
  for (const group of byCanonical.values()) {
    if (group.length > 1) {
      await db.insertInto('email_canonical_collision')
        .values(group.map((row) => ({ account_id: row.id, stored_email: row.email, canonical_email: row.canonical, problem: 'collision' as const, detected_at: now })))
        .execute()
      continue
    }
    const [row] = group as [Planned]
    if (row.email === row.canonical) continue
    await db.updateTable('account')
      .set({ email: row.canonical, search_text: accountSearchText({ lastName: row.lastName, firstName: row.firstName, email: row.canonical }) })
      .where('id', '=', row.id).execute()
  }
  await canonicalizePendingEmailChanges(db, now)
}

async function canonicalizePendingEmailChanges (db: Kysely<Database>, now: number): Promise<void> {
  const pending = await db.selectFrom('account_token').select(['digest', 'payload'])
    .where('purpose', '=', 'emailChange').where('used_at', 'is', null).execute()
  for (const token of pending) {
    const canonical = canonicalEmail(token.payload ?? '')
    if (canonical.ok && canonical.email === token.payload) continue
    await db.updateTable('account_token')
      .set(canonical.ok ? { payload: canonical.email } : { used_at: now })
      .where('digest', '=', token.digest).execute()
  }
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('email_canonical_collision').execute()
}
