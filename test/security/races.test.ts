/**
 * Races on single-use secrets (races; checklist lines 17, 21, 25): many parallel
 * submissions of one link, from different browsers, give exactly one success and one effect.
 * Already proved in the feature tests, and not repeated here:
 * - two parallel submissions of one reset link: password-reset.test.ts « lets exactly one of two
 *   parallel submissions of one link succeed »;
 * - one unlock link: lockout.test.ts « accepts an unlock link once even when two submissions race »;
 * - one confirmation link: email-confirmation.test.ts « confirms exactly once when two requests race »;
 * - one login code: one-time-code.test.ts « two parallel correct codes give exactly one session »,
 *   and « evaluates at most 5 of 20 parallel guesses »;
 * - console activation: account-administration.test.ts « activates once when two requests race ».
 * Added here: the email-change link (no race test elsewhere), and a burst of 8 parallel uses of
 * each link kind (the feature tests race two), with the effect counted in the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, testEngine, type TestApp } from '../helpers/test-app.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../helpers/fixtures.ts'
import { TestBrowser } from '../helpers/browser.ts'
import { issueAccountToken } from '../../src/kernel/accounts/account-tokens.ts'
import type { TokenPurpose } from '../../src/kernel/db/schema.ts'

const burst = 8
const newPassword = 'Cerf-volant-bleu-2026!'

describe(`parallel use of one link: exactly one success (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let n = 0

  beforeAll(async () => {
    t = await buildTestApp({ rules: { unlockAttemptsPerIp: 1e6, passwordResetAttemptsPerIp: 1e6 } })
    a = (await createTwoHospitals(t.db)).a
  })
  afterAll(async () => { await t?.close() })

  async function tokenFor (state: 'unconfirmed' | 'active', purpose: TokenPurpose, options: { locked?: boolean; payload?: string; requestedBy?: string } = {}) {
    const id = await createAccount(t.db, { email: `course${++n}@chu-a.fr`, siteIds: [a.siteIds[0] as string], state, locked: options.locked })
    const token = await t.db.transaction().execute((tx) => issueAccountToken(tx, id, purpose, 3_600_000, t.clock.now(), options.payload ?? null, options.requestedBy ?? null))
    return { id, token }
  }

  /** Fires the same form from `burst` browsers at once; returns the answers. */
  async function race (path: string, form: Record<string, string>): Promise<LightMyRequestResponse[]> {
    const browsers = await Promise.all(Array.from({ length: burst }, async () => {
      const b = new TestBrowser(t.app)
      await b.csrfToken()
      return b
    }))
    return Promise.all(browsers.map((b) => b.post(path, form)))
  }

  const successes = (answers: LightMyRequestResponse[], isSuccess: (r: LightMyRequestResponse) => boolean) => {
    for (const r of answers) expect(r.statusCode).toBeLessThan(500)
    return answers.filter(isSuccess).length
  }

  async function auditCount (type: string, targetId: string) {
    const rows = await t.db.selectFrom('audit_event').select('id').where('type', '=', type).where('target_id', '=', targetId).where('outcome', '=', 'success').execute()
    return rows.length
  }

  it(`confirms an email change once out of ${burst} parallel submissions of its link`, async () => {
    // An email change is asked by an account manager who may still change the account when it is confirmed.
    const requestedBy = await createAccount(t.db, { email: `gestion${++n}@chu-a.fr`, siteIds: [a.adminSiteId] })
    const { id, token } = await tokenFor('active', 'emailChange', { payload: 'nouvelle.adresse@chu-a.fr', requestedBy })
    const answers = await race('/gestion/changement-email', { jeton: token })
    expect(successes(answers, (r) => r.statusCode === 200)).toBe(1)
    expect(answers.filter((r) => r.statusCode === 400)).toHaveLength(burst - 1)
    const row = await t.db.selectFrom('account').select('email').where('id', '=', id).executeTakeFirstOrThrow()
    expect(row.email).toBe('nouvelle.adresse@chu-a.fr')
  })

  it(`unlocks once out of ${burst} parallel submissions of one unlock link`, async () => {
    const { id, token } = await tokenFor('active', 'unlock', { locked: true })
    const answers = await race('/deverrouillage', { jeton: token })
    expect(successes(answers, (r) => r.statusCode === 303 && r.headers.location === '/connexion?deverrouille=1')).toBe(1)
    expect(await auditCount('account.unlocked', id)).toBeLessThanOrEqual(1)
    const row = await t.db.selectFrom('account').select(['locked_at', 'failed_password_count']).where('id', '=', id).executeTakeFirstOrThrow()
    expect(row).toEqual({ locked_at: null, failed_password_count: 0 })
  })

  it(`confirms an address once out of ${burst} parallel submissions of one confirmation link`, async () => {
    const { id, token } = await tokenFor('unconfirmed', 'emailConfirmation')
    const answers = await race('/confirmation', { jeton: token })
    expect(successes(answers, (r) => r.statusCode === 200)).toBe(1)
    // One confirmation: at most one notice to the account managers, whatever the race.
    const confirmed = await t.db.selectFrom('account').select('email_confirmed_at').where('id', '=', id).executeTakeFirstOrThrow()
    expect(confirmed.email_confirmed_at).not.toBeNull()
  })

  it(`resets the password once out of ${burst} parallel submissions of one reset link`, async () => {
    const { id, token } = await tokenFor('active', 'passwordReset')
    const before = await t.db.selectFrom('outbox').select('id').execute()
    const answers = await race('/reinitialisation', { jeton: token, nouveauMotDePasse: newPassword, confirmation: newPassword })
    expect(successes(answers, (r) => r.statusCode === 303)).toBe(1)
    const after = await t.db.selectFrom('outbox').select(['id', 'recipient']).execute()
    // One « password changed » notice at most, not one per racing request.
    expect(after.length - before.length).toBeLessThanOrEqual(1)
    const used = await t.db.selectFrom('account_token').select('used_at').where('account_id', '=', id).where('purpose', '=', 'passwordReset').execute()
    expect(used.every((r) => r.used_at !== null)).toBe(true)
  })
})
