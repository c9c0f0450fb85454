import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals, testPassword } from '../../../test/helpers/fixtures.ts'
import { logIn } from '../../../test/helpers/login.ts'

describe(`login (user guide §3.1) (${testEngine})`, () => {
  let t: TestApp
  let siteId: string
  beforeAll(async () => {
    t = await buildTestApp()
    const { a } = await createTwoHospitals(t.db)
    siteId = a.siteIds[0] as string
  })
  afterAll(async () => { await t.close() })

  it('logs in with the password and the emailed code', async () => {
    await createAccount(t.db, { email: 'claire@chu-a.fr', siteIds: [siteId] })
    const browser = new TestBrowser(t.app)
    const page = await browser.get('/connexion')
    expect(page.statusCode).toBe(200)
    const done = await logIn(t, browser, 'claire@chu-a.fr', testPassword)
    expect(done.headers.location).toBe('/')
  })
})
