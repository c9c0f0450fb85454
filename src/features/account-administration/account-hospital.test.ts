/**
 * `account_hospital` (migration 0006, docs/performance.md): the console's per-hospital listing is a copy kept
 * by database triggers. These tests hold it equal to what it copies after every kind of write,
 * and hold the scopes and counts read from it equal to those read from account_site.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import type { Db } from '../../kernel/db/database.ts'
import { accountSearchText } from '../../kernel/accounts/accounts.ts'
import { createAccount, createSite } from '../../../test/helpers/fixtures.ts'
import { countDueReviews } from '../access-review/index.ts'
import { countManagedAccountsByStatus, listManagedAccounts } from './account-administration.queries.ts'
import { selectManagedAccounts, selectManagedListing, type Manager } from '../../kernel/accounts/managed-accounts.ts'
import { suiteWithTwoHospitals } from '../../../test/helpers/suite.ts'

/** account_hospital as it must be: recomputed from account_site, site and account. */
async function expected (db: Db) {
  const rows = await db.selectFrom('account_site').innerJoin('site', 'site.id', 'account_site.site_id')
    .innerJoin('account', 'account.id', 'account_site.account_id')
    .select(['site.hospital_id', 'account.id', 'account.created_at', 'account.email_confirmed_at', 'account.activated_at',
      'account.deactivated_at', 'account.locked_at', 'account.profession_code', 'account.search_text', 'account.is_superadmin',
      'account.access_reviewed_at'])
    .distinct().execute()
  const hospitalsOf = new Map<string, Set<string>>()
  for (const r of rows) hospitalsOf.set(r.id, (hospitalsOf.get(r.id) ?? new Set()).add(r.hospital_id))
  return rows.map((r) => ({
    hospital_id: r.hospital_id, account_id: r.id, created_at: Number(r.created_at),
    email_confirmed_at: r.email_confirmed_at === null ? null : Number(r.email_confirmed_at),
    activated_at: r.activated_at === null ? null : Number(r.activated_at),
    deactivated_at: r.deactivated_at === null ? null : Number(r.deactivated_at),
    locked_at: r.locked_at === null ? null : Number(r.locked_at),
    profession_code: r.profession_code, search_text: r.search_text, is_superadmin: Number(r.is_superadmin),
    access_reviewed_at: r.access_reviewed_at === null ? null : Number(r.access_reviewed_at),
    hospital_count: hospitalsOf.get(r.id)!.size,
  })).sort(byKey)
}

function byKey (a: { hospital_id: string; account_id: string }, b: { hospital_id: string; account_id: string }) {
  return `${a.hospital_id} ${a.account_id}`.localeCompare(`${b.hospital_id} ${b.account_id}`)
}

async function actual (db: Db) {
  const rows = await db.selectFrom('account_hospital').selectAll().execute()
  return rows.map((r) => ({
    ...r, created_at: Number(r.created_at), is_superadmin: Number(r.is_superadmin), hospital_count: Number(r.hospital_count),
    email_confirmed_at: r.email_confirmed_at === null ? null : Number(r.email_confirmed_at),
    activated_at: r.activated_at === null ? null : Number(r.activated_at),
    deactivated_at: r.deactivated_at === null ? null : Number(r.deactivated_at),
    locked_at: r.locked_at === null ? null : Number(r.locked_at),
    access_reviewed_at: r.access_reviewed_at === null ? null : Number(r.access_reviewed_at),
  })).sort(byKey)
}

async function expectInSync (db: Db) {
  expect(await actual(db)).toEqual(await expected(db))
}

describe('account_hospital follows every writer of account_site and account', () => {
  const s = suiteWithTwoHospitals()
  let secondSiteOfA: string
  beforeAll(async () => {
    secondSiteOfA = await createSite(s.t.db, s.a.id, { title: 'Deuxième site de A', kind: 'ccmr' })
  })

  it('registration (insertAccount), one and two hospitals', async () => {
    await createAccount(s.t.db, { email: 'seule@chu-a.fr', siteIds: [s.a.siteIds[0]!], state: 'unconfirmed' })
    await createAccount(s.t.db, { email: 'deux@chu-a.fr', siteIds: [s.a.siteIds[0]!, s.b.siteIds[0]!], state: 'pendingActivation' })
    await expectInSync(s.t.db)
    expect((await actual(s.t.db)).filter((r) => r.hospital_count === 2)).toHaveLength(2)
  })

  it('a site added in a hospital already held, in a new one, then removed (console edit, imports)', async () => {
    const id = await createAccount(s.t.db, { email: 'mobile@chu-a.fr', siteIds: [s.a.siteIds[0]!] })
    await s.t.db.insertInto('account_site').values({ account_id: id, site_id: secondSiteOfA, added_at: 1, added_by: null }).execute()
    await expectInSync(s.t.db)
    await s.t.db.insertInto('account_site').values({ account_id: id, site_id: s.b.siteIds[0]!, added_at: 2, added_by: null }).execute()
    await expectInSync(s.t.db)
    await s.t.db.deleteFrom('account_site').where('account_id', '=', id).where('site_id', '=', s.a.siteIds[0]!).execute()
    await expectInSync(s.t.db)
    expect((await actual(s.t.db)).filter((r) => r.account_id === id).map((r) => r.hospital_count)).toEqual([2, 2])
    await s.t.db.deleteFrom('account_site').where('account_id', '=', id).where('site_id', '=', secondSiteOfA).execute()
    await expectInSync(s.t.db)
    expect((await actual(s.t.db)).filter((r) => r.account_id === id).map((r) => r.hospital_id)).toEqual([s.b.id])
  })

  it('every copied column of the account (confirmation, activation, lock, names, review, deactivation)', async () => {
    const id = await createAccount(s.t.db, { email: 'change@chu-a.fr', siteIds: [s.a.siteIds[0]!, s.b.siteIds[0]!], state: 'unconfirmed' })
    const steps = [
      { email_confirmed_at: 10 }, { activated_at: 20 }, { locked_at: 30 }, { locked_at: null }, { access_reviewed_at: 40 },
      { search_text: accountSearchText({ lastName: 'Lévêque', firstName: 'Zoé', email: 'change@chu-a.fr' }) },
      { profession_code: 'autre' }, { is_superadmin: 1 }, { deactivated_at: 50 },
    ]
    for (const set of steps) {
      await s.t.db.updateTable('account').set(set).where('id', '=', id).execute()
      await expectInSync(s.t.db)
    }
  })

  it('an account deleted (its sites cascade)', async () => {
    const id = await createAccount(s.t.db, { email: 'partie@chu-a.fr', siteIds: [s.a.siteIds[0]!, s.b.siteIds[0]!] })
    await s.t.db.deleteFrom('account').where('id', '=', id).execute()
    await expectInSync(s.t.db)
    expect((await actual(s.t.db)).some((r) => r.account_id === id)).toBe(false)
  })

  it('the listing scope is the scope, once per account, for managers of one or two hospitals', async () => {
    for (const hospitalIds of [[s.a.id], [s.b.id], [s.a.id, s.b.id], []]) {
      const manager: Manager = { id: 'nobody', isSuperadmin: false, hospitalIds }
      const scope = (await selectManagedAccounts(s.t.db, manager).select('account.id').execute()).map((r) => r.id).sort()
      const listing = (await selectManagedListing(s.t.db, manager)!.select('account.account_id').execute()).map((r) => r.account_id).sort()
      expect(listing).toEqual(scope)
      const counts = await countManagedAccountsByStatus(s.t.db, manager)
      expect(counts.unconfirmed + counts.pendingActivation + counts.active + counts.deactivated).toBe(scope.length)
      const page = await listManagedAccounts(s.t.db, manager, { sort: 'registration', page: 1 })
      expect(page.rows.map((r) => r.id).sort()).toEqual(scope)
    }
  })

  it('the landing count of due reviews equals the due list of the review page', async () => {
    const now = Date.UTC(2028, 0, 1)
    const year = 365 * 24 * 3600 * 1000
    const manager: Manager = { id: 'nobody', isSuperadmin: false, hospitalIds: [s.a.id] }
    await createAccount(s.t.db, { email: 'due1@chu-a.fr', siteIds: [s.a.siteIds[0]!] })
    await createAccount(s.t.db, { email: 'due2@chu-a.fr', siteIds: [secondSiteOfA] })
    await createAccount(s.t.db, { email: 'gestionnaire@chu-a.fr', siteIds: [s.a.adminSiteId] })
    await createAccount(s.t.db, { email: 'super@chu-a.fr', siteIds: [s.a.siteIds[0]!], isSuperadmin: true })
    const viaAccountSite = await sql<{ n: number | string }>`select count(*) as n from account where id in (
        select account_site.account_id from account_site inner join site on site.id = account_site.site_id where site.hospital_id = ${s.a.id})
      and id not in (select account_site.account_id from account_site inner join site on site.id = account_site.site_id where site.hospital_id <> ${s.a.id} or site.kind = 'accountAdministration')
      and is_superadmin = 0 and activated_at is not null and deactivated_at is null
      and (access_reviewed_at is null or access_reviewed_at <= ${now - year})`.execute(s.t.db)
    const count = await countDueReviews(s.t.db, manager, now, year)
    expect(count).toBe(Number(viaAccountSite.rows[0]!.n))
    expect(count).toBeGreaterThanOrEqual(2)
  })
})
