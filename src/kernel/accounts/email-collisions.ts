/**
 * Accounts migration 0008 left with a non-canonical address (a collision between spellings of
 * one mailbox, or an address the canonical form refuses). Listed until an operator settles each
 * one: deletes or deactivates the duplicate, or changes an address from the console.
 */
import type { Db } from '../db/database.ts'
import type { EmailCanonicalProblem } from '../db/schema.ts'

export interface UnsettledEmail { accountId: string; storedEmail: string; canonicalEmail: string | null; problem: EmailCanonicalProblem }

/** Rows whose account still holds the address recorded by the migration, by canonical address. */
export async function listUnsettledEmailCollisions (db: Db): Promise<UnsettledEmail[]> {
  const rows = await db.selectFrom('email_canonical_collision')
    .innerJoin('account', 'account.id', 'email_canonical_collision.account_id')
    .select(['email_canonical_collision.account_id', 'email_canonical_collision.stored_email', 'email_canonical_collision.canonical_email', 'email_canonical_collision.problem'])
    .whereRef('account.email', '=', 'email_canonical_collision.stored_email')
    .orderBy('email_canonical_collision.canonical_email').orderBy('email_canonical_collision.stored_email')
    .execute()
  return rows.map((r) => ({ accountId: r.account_id, storedEmail: r.stored_email, canonicalEmail: r.canonical_email, problem: r.problem }))
}
