/**
 * The join every « which sites, which hospitals » read of accounts starts from (Kysely's reusable
 * helpers recipe): an account holds sites through account_site; a site belongs to one hospital.
 * Written once here, so each query adds only its own joins, columns and conditions.
 */
import type { Db } from '../db/database.ts'

/** The sites accounts hold: account_site ⋈ site. */
export function selectAccountSites (db: Db) {
  return db.selectFrom('account_site').innerJoin('site', 'site.id', 'account_site.site_id')
}

/** Accounts with each site they hold: account ⋈ account_site ⋈ site (one row per site). */
export function selectAccountsWithSites (db: Db) {
  return db.selectFrom('account')
    .innerJoin('account_site', 'account_site.account_id', 'account.id')
    .innerJoin('site', 'site.id', 'account_site.site_id')
}
