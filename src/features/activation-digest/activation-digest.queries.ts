/**
 * Database access of the activation digest: the account managers to notify, the accounts waiting
 * for their activation, and the per-manager row that makes a digest go out at most once.
 */
import { sql } from 'kysely'
import type { Db } from '../../kernel/db/database.ts'
import type { Civility, NotificationDigestKind } from '../../kernel/db/schema.ts'

export interface DigestManager { id: string; email: string; civility: Civility; lastName: string; hospitalIds: string[] }

/**
 * Account managers able to act: holding a non-archived « Site administrateur comptes » of a
 * non-archived hospital, confirmed, activated, neither deactivated nor locked.
 */
export async function listActiveAccountManagers (db: Db): Promise<DigestManager[]> {
  const rows = await db.selectFrom('account')
    .innerJoin('account_site', 'account_site.account_id', 'account.id')
    .innerJoin('site', 'site.id', 'account_site.site_id')
    .innerJoin('hospital', 'hospital.id', 'site.hospital_id')
    .select(['account.id', 'account.email', 'account.civility', 'account.last_name', 'site.hospital_id'])
    .where('site.kind', '=', 'accountAdministration')
    .where('site.archived_at', 'is', null)
    .where('hospital.archived_at', 'is', null)
    .where('account.email_confirmed_at', 'is not', null)
    .where('account.activated_at', 'is not', null)
    .where('account.deactivated_at', 'is', null)
    .where('account.locked_at', 'is', null)
    .orderBy('account.id')
    .execute()
  const managers = new Map<string, DigestManager>()
  for (const row of rows) {
    const manager = managers.get(row.id) ?? { id: row.id, email: row.email, civility: row.civility, lastName: row.last_name, hospitalIds: [] }
    manager.hospitalIds.push(row.hospital_id)
    managers.set(row.id, manager)
  }
  return [...managers.values()]
}

export interface PendingAccount { id: string; lastName: string; firstName: string; hospitalName: string; confirmedAt: number }

/**
 * Accounts waiting for this manager's activation, confirmed after `since` (all when undefined):
 * email confirmed, not activated nor deactivated, registered in one of the manager's hospitals
 * and in no other (admin guide §3.4.3: others are read-only for managers), holding no
 * account-manager site (those requests go to the super-administrators).
 */
export async function findPendingAccounts (db: Db, hospitalIds: readonly string[], since: number | undefined, now: number): Promise<PendingAccount[]> {
  if (hospitalIds.length === 0) return []
  let query = db.selectFrom('account')
    .innerJoin('account_site', 'account_site.account_id', 'account.id')
    .innerJoin('site', 'site.id', 'account_site.site_id')
    .innerJoin('hospital', 'hospital.id', 'site.hospital_id')
    .select(['account.id', 'account.last_name', 'account.first_name', 'account.email_confirmed_at', 'hospital.name'])
    .distinct()
    .where('site.hospital_id', 'in', [...hospitalIds])
    .where('account.email_confirmed_at', 'is not', null)
    .where('account.email_confirmed_at', '<=', now)
    .where('account.activated_at', 'is', null)
    .where('account.deactivated_at', 'is', null)
    .where('account.is_superadmin', '=', 0)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('account_site as other')
      .innerJoin('site as other_site', 'other_site.id', 'other.site_id')
      .select(sql`1`.as('one'))
      .whereRef('other.account_id', '=', 'account.id')
      .where((eb) => eb.or([
        eb('other_site.hospital_id', '<>', eb.ref('site.hospital_id')),
        eb('other_site.kind', '=', 'accountAdministration'),
      ])))))
  if (since !== undefined) query = query.where('account.email_confirmed_at', '>', since)
  const rows = await query.orderBy('account.email_confirmed_at').orderBy('account.id').execute()
  return rows.map((r) => ({ id: r.id, lastName: r.last_name, firstName: r.first_name, hospitalName: r.name, confirmedAt: Number(r.email_confirmed_at) }))
}

export async function findLastDigest (db: Db, accountId: string, kind: NotificationDigestKind): Promise<number | undefined> {
  const row = await db.selectFrom('notification_digest').select('last_sent_at')
    .where('account_id', '=', accountId).where('kind', '=', kind).executeTakeFirst()
  return row ? Number(row.last_sent_at) : undefined
}

/**
 * Takes the right to send this digest: the row moves from `previous` to `now` only if nobody
 * moved it meanwhile (another instance, a parallel run). False when someone else took it.
 */
export async function claimDigest (tx: Db, accountId: string, kind: NotificationDigestKind, previous: number | undefined, now: number): Promise<boolean> {
  if (previous === undefined) {
    const inserted = await tx.insertInto('notification_digest')
      .values({ account_id: accountId, kind, last_sent_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'kind']).doNothing())
      .returning('account_id')
      .executeTakeFirst()
    return inserted !== undefined
  }
  const updated = await tx.updateTable('notification_digest').set({ last_sent_at: now })
    .where('account_id', '=', accountId).where('kind', '=', kind).where('last_sent_at', '=', previous)
    .executeTakeFirst()
  return Number(updated.numUpdatedRows) === 1
}
