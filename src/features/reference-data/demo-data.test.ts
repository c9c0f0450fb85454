import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { accountStatus, findManagedHospitalIds } from '../../kernel/accounts/accounts.ts'
import { checkPasswordPolicy, verifyPassword } from '../../kernel/security/passwords.ts'
import { defaultRules } from '../../config.ts'
import { foldForSearch } from '../../kernel/text.ts'
import { loadDemoData, demoPassword, type DemoAccount } from './index.ts'
import { findFinessProblem } from './finess.ts'

describe(`demo data (${testEngine})`, () => {
  let t: TestApp
  let created: DemoAccount[]
  let loadingTime: number
  beforeAll(async () => {
    t = await buildTestApp()
    const started = performance.now()
    created = await loadDemoData(t.app.flow)
    loadingTime = performance.now() - started
  })
  afterAll(async () => { await t.close() })

  it('creates about 30 hospitals with real FINESS numbers, each with 20–80 labelled sites and its account-manager site', async () => {
    const hospitals = await t.db.selectFrom('hospital').select(['id', 'name', 'finess', 'city']).execute()
    expect(hospitals.length).toBeGreaterThanOrEqual(25)
    expect(hospitals.length).toBeLessThanOrEqual(35)
    for (const hospital of hospitals) expect(findFinessProblem(hospital.finess)).toBeUndefined()
    const sites = await t.db.selectFrom('site').select(['hospital_id', 'title', 'kind', 'filiere', 'lead_name', 'abbreviation', 'search_text']).execute()
    for (const hospital of hospitals) {
      const own = sites.filter((s) => s.hospital_id === hospital.id)
      const administration = own.filter((s) => s.kind === 'accountAdministration')
      expect(administration.map((s) => s.title)).toEqual([`Site administrateur comptes (${hospital.name})`])
      const labelled = own.filter((s) => s.kind !== 'accountAdministration')
      expect(labelled.length).toBeGreaterThanOrEqual(20)
      expect(labelled.length).toBeLessThanOrEqual(80)
      expect(new Set(labelled.map((s) => s.title)).size).toBe(labelled.length)
    }
    const domains = await t.db.selectFrom('hospital_email_domain').select(['hospital_id', 'domain']).execute()
    expect(new Set(domains.map((d) => d.hospital_id)).size).toBe(hospitals.length)
    expect(domains.map((d) => d.domain)).toContain('aphp.fr')
  })

  it('spreads the sites over the 23 filières with every kind, abbreviations for some and a lead for each', async () => {
    const sites = await t.db.selectFrom('site').select(['title', 'kind', 'filiere', 'lead_name', 'abbreviation', 'search_text']).where('kind', '!=', 'accountAdministration').execute()
    expect(new Set(sites.map((s) => s.filiere)).size).toBe(23)
    expect(new Set(sites.map((s) => s.kind))).toEqual(new Set(['crmrCoordinating', 'crmrConstituent', 'ccmr', 'crc']))
    // CRC replaces CCMR in FILSLAN, MHEMO and MUCO-CFTR only.
    for (const site of sites.filter((s) => s.kind === 'crc')) expect(['FILSLAN', 'MHEMO', 'MUCO-CFTR']).toContain(site.filiere)
    for (const site of sites.filter((s) => s.kind === 'ccmr')) expect(['FILSLAN', 'MHEMO', 'MUCO-CFTR']).not.toContain(site.filiere)
    expect(sites.some((s) => s.title === 'Malformations ORL rares' && s.abbreviation === 'MALO')).toBe(true)
    expect(sites.filter((s) => s.abbreviation !== null).length).toBeGreaterThan(sites.length / 10)
    for (const site of sites) {
      expect(site.lead_name).toMatch(/^\p{Lu}/u)
      expect(site.search_text).toBe(foldForSearch([site.title, site.abbreviation, site.lead_name].filter(Boolean).join(' ')))
    }
  })

  it('creates demo accounts in every state, with a password that meets the policy', async () => {
    const accounts = await t.db.selectFrom('account')
      .select(['id', 'email', 'first_name', 'last_name', 'email_confirmed_at', 'activated_at', 'deactivated_at', 'locked_at', 'is_superadmin', 'password_hash'])
      .execute()
    expect(accounts.map((a) => a.email).sort()).toEqual(created.map((c) => c.email).sort())
    const statuses = new Set(accounts.map(accountStatus))
    expect(statuses).toEqual(new Set(['unconfirmed', 'pendingActivation', 'active', 'deactivated']))
    expect(accounts.some((a) => a.locked_at !== null)).toBe(true)
    expect(accounts.some((a) => a.email.endsWith('@gmail.com'))).toBe(true)
    expect(accounts.filter((a) => a.is_superadmin === 1 && accountStatus(a) === 'active')).toHaveLength(1)
    for (const account of accounts) {
      expect(checkPasswordPolicy(demoPassword, defaultRules, [account.first_name, account.last_name, account.email])).toEqual([])
    }
    expect(await verifyPassword(accounts[0]?.password_hash as string, demoPassword)).toBe(true)
    for (const entry of created) {
      const account = accounts.find((a) => a.email === entry.email)
      expect(entry.password).toBe(demoPassword)
      expect(entry.status).toBe(accountStatus(account as NonNullable<typeof account>))
    }
  })

  it('makes « Mme Démo Admin » the active account manager of AP-HP', async () => {
    const admin = await t.db.selectFrom('account').select(['id', 'civility', 'first_name', 'last_name', 'email_confirmed_at', 'activated_at', 'deactivated_at', 'locked_at'])
      .where('email', '=', 'demo.admin@aphp.fr').executeTakeFirstOrThrow()
    expect([admin.civility, admin.first_name, admin.last_name]).toEqual(['mme', 'Démo', 'Admin'])
    expect(accountStatus(admin)).toBe('active')
    expect(admin.locked_at).toBeNull()
    const aphp = await t.db.selectFrom('hospital').select('id').where('finess', '=', '750712184').executeTakeFirstOrThrow()
    expect(await findManagedHospitalIds(t.db, admin.id)).toEqual([aphp.id])
  })

  it('has an account registered in two hospitals and one pending on an account-manager site', async () => {
    const rows = await t.db.selectFrom('account_site')
      .innerJoin('site', 'site.id', 'account_site.site_id')
      .innerJoin('account', 'account.id', 'account_site.account_id')
      .select(['account.id', 'account.email_confirmed_at', 'account.activated_at', 'account.deactivated_at', 'site.hospital_id', 'site.kind'])
      .execute()
    const hospitalsByAccount = new Map<string, Set<string>>()
    for (const row of rows) hospitalsByAccount.set(row.id, (hospitalsByAccount.get(row.id) ?? new Set()).add(row.hospital_id))
    expect([...hospitalsByAccount.values()].some((set) => set.size === 2)).toBe(true)
    expect(rows.some((r) => r.kind === 'accountAdministration' && accountStatus(r) === 'pendingActivation')).toBe(true)
  })

  it('does nothing the second time', async () => {
    const count = async (table: 'hospital' | 'site' | 'account') =>
      Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    const before = [await count('hospital'), await count('site'), await count('account')]
    expect(await loadDemoData(t.app.flow)).toEqual([])
    expect([await count('hospital'), await count('site'), await count('account')]).toEqual(before)
  })

  it('is the same on every start (seeded generator)', async () => {
    const other = await buildTestApp()
    try {
      await loadDemoData(other.app.flow)
      const describeSites = async (db: TestApp['db']) => (await db.selectFrom('site')
        .innerJoin('hospital', 'hospital.id', 'site.hospital_id')
        .select(['hospital.finess', 'site.title', 'site.kind', 'site.lead_name']).execute())
        .map((s) => `${s.finess}|${s.title}|${s.kind}|${s.lead_name}`).sort()
      expect(await describeSites(other.db)).toEqual(await describeSites(t.db))
    } finally {
      await other.close()
    }
  })

  it('loads fast enough for the start (one password hash for all accounts)', () => {
    expect(loadingTime).toBeLessThan(1500)
  })
})
