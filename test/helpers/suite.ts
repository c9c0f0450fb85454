/**
 * The start most feature suites share: an app on its own database with hospitals A and B, and
 * browsers signed in as a given account. One place for the set-up the suites used to repeat.
 */
import { afterAll, beforeAll } from 'vitest'
import { buildTestApp, type TestApp, type TestAppOptions } from './test-app.ts'
import { createAccount, createTwoHospitals, type TestAccountFields, type TestHospital } from './fixtures.ts'
import { TestBrowser } from './browser.ts'
import { signIn } from './session.ts'

/** A test app with hospitals A and B (each with its account-administration site and two sites). */
export async function startWithTwoHospitals (options: TestAppOptions = {}): Promise<{ t: TestApp; a: TestHospital; b: TestHospital }> {
  const t = await buildTestApp(options)
  return { t, ...await createTwoHospitals(t.db) }
}

/** A browser with a session of this account (its login done as the tests' helper does it). */
export async function signedInBrowser (t: TestApp, accountId: string): Promise<TestBrowser> {
  const browser = new TestBrowser(t.app)
  await signIn(t, browser, accountId)
  return browser
}

/**
 * The suite's start and end, registered once: before all its tests an app with hospitals A and
 * B, after them the app closed. Its fields are filled when the tests run (read them there).
 */
export function suiteWithTwoHospitals (options: TestAppOptions = {}): { t: TestApp; a: TestHospital; b: TestHospital } {
  const suite = {} as { t: TestApp; a: TestHospital; b: TestHospital }
  beforeAll(async () => { Object.assign(suite, await startWithTwoHospitals(options)) })
  afterAll(async () => { await suite.t?.close() })
  return suite
}

/**
 * A suite's factory of accounts with numbered addresses (`prefix1@chu-a.fr`, `prefix2@…`), so
 * that each test starts from an account of its own. Returns the account's id and address.
 */
export function numberedAccounts (suite: { t: TestApp }, prefix: string) {
  let n = 0
  return async function newNumberedAccount (fields: Omit<TestAccountFields, 'email'>): Promise<{ id: string; email: string }> {
    const email = `${prefix}${++n}@chu-a.fr`
    return { id: await createAccount(suite.t.db, { email, ...fields }), email }
  }
}
