/**
 * Accounts migration 0008 left with a non-canonical address (a collision between spellings of
 * one mailbox, or an address the canonical form refuses). Listed until an operator settles each
 * one: deletes or deactivates the duplicate, or changes an address from the console.
 */
import type { Db } from '../db/database.ts'
import type { EmailCanonicalProblem } from '../db/schema.ts'

export interface UnsettledEmail { accountId: string; storedEmail: string; canonicalEmail: string | null; problem: EmailCanonicalProblem }

/**
 * Rows whose account still holds the address recorded by the migration, by canonical address.
 * Read at every start: the account is looked up from each row (`exists`), never the other way
 * round — as a join, SQLite's planner, which has no statistics for an empty table, scanned all
 * the accounts (100,000: 23 ms and a page cache filled at start, docs/performance.md).
 */
export async function listUnsettledEmailCollisions (db: Db): Promise<UnsettledEmail[]> {
  const rows = await db.selectFrom('email_canonical_collision as collision')
    .select(['collision.account_id', 'collision.stored_email', 'collision.canonical_email', 'collision.problem'])
    .where((eb) => eb.exists(eb.selectFrom('account').select('account.id')
      .whereRef('account.id', '=', 'collision.account_id')
      .whereRef('account.email', '=', 'collision.stored_email')))
    .orderBy('collision.canonical_email').orderBy('collision.stored_email')
    .execute()
  return rows.map((r) => ({ accountId: r.account_id, storedEmail: r.stored_email, canonicalEmail: r.canonical_email, problem: r.problem }))
}
