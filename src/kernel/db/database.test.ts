import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { createTwoHospitals, createAccount } from '../../../test/helpers/fixtures.ts'
import { accountStatus, findManagedHospitalIds } from '../accounts/accounts.ts'
import { enforceRateLimit } from '../security/rate-limits.ts'
import { RateLimited } from '../web/errors.ts'

describe(`foundation database (${testEngine})`, () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() })
  afterAll(async () => { await t.close() })

  it('runs the migrations and seeds the professions', async () => {
    const professions = await t.db.selectFrom('profession').select('code').execute()
    expect(professions.map((p) => p.code)).toContain('secretaire-medicale')
  })

  it('keeps emails unique ignoring case and surrounding spaces', async () => {
    const { a } = await createTwoHospitals(t.db)
    await createAccount(t.db, { email: 'Claire.Dupont@chu-a.fr ', siteIds: [a.siteIds[0] as string] })
    await expect(createAccount(t.db, { email: ' claire.dupont@CHU-A.fr', siteIds: [a.siteIds[0] as string] })).rejects.toThrow()
  })

  it('derives the guide statuses from separate state fields', () => {
    const base = { email_confirmed_at: null, activated_at: null, deactivated_at: null }
    expect(accountStatus(base)).toBe('unconfirmed')
    expect(accountStatus({ ...base, email_confirmed_at: 1 })).toBe('pendingActivation')
    expect(accountStatus({ ...base, email_confirmed_at: 1, activated_at: 2 })).toBe('active')
    expect(accountStatus({ ...base, email_confirmed_at: 1, activated_at: 2, deactivated_at: 3 })).toBe('deactivated')
  })

  it('finds the hospitals an account manages through its account-manager site', async () => {
    const hospital = await t.db.selectFrom('hospital').select('id').where('finess', '=', '750712184').executeTakeFirstOrThrow()
    const site = await t.db.selectFrom('site').select('id').where('hospital_id', '=', hospital.id).where('kind', '=', 'accountAdministration').executeTakeFirstOrThrow()
    const id = await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [site.id] })
    expect(await findManagedHospitalIds(t.db, id)).toEqual([hospital.id])
    // An archived hospital is managed by no one any more.
    await t.db.updateTable('hospital').set({ archived_at: 1 }).where('id', '=', hospital.id).execute()
    expect(await findManagedHospitalIds(t.db, id)).toEqual([])
    await t.db.updateTable('hospital').set({ archived_at: null }).where('id', '=', hospital.id).execute()
  })

  it('counts parallel hits of a rate limit atomically', async () => {
    const rule = { limit: 5, window: 60_000 }
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => enforceRateLimit(t.db, 'test:parallel', rule, 1_000)))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5)
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(refused.reason).toBeInstanceOf(RateLimited)
    expect((refused.reason as RateLimited).retryAfterSeconds).toBe(60)
    await expect(enforceRateLimit(t.db, 'test:parallel', rule, 61_000)).resolves.toBeUndefined()
  })
})
