/**
 * Logs a test browser in through the real pages (user guide §3.1–3.2): email and password, then
 * the 8-digit code read from the outbox. For tests of the login itself and of what it leads to.
 */
import type { LightMyRequestResponse } from 'fastify'
import type { TestApp } from './test-app.ts'
import type { TestBrowser } from './browser.ts'
import { codeIn, emailsTo } from './mailbox.ts'
import { testPassword } from './fixtures.ts'

/** The code of the last « Mot de passe à usage unique » email sent to this address. */
export async function lastLoginCode (t: TestApp, email: string): Promise<string> {
  const codes = (await emailsTo(t.db, email.trim().toLowerCase())).filter((e) => e.template === 'oneTimeCode')
  const last = codes.at(-1)
  if (!last) throw new Error(`no login code sent to ${email}`)
  return codeIn(last)
}

/** Password step only; returns the response (303 to /connexion/code when a code was sent). */
export function submitPassword (browser: TestBrowser, email: string, password = testPassword, retour?: string) {
  return browser.post('/connexion', { email, password, ...(retour ? { retour } : {}) })
}

/** The whole login; returns the final redirect (303 to `retour` or `/`). Throws if a step fails. */
export async function logIn (t: TestApp, browser: TestBrowser, email: string, password = testPassword, retour?: string): Promise<LightMyRequestResponse> {
  const passwordStep = await submitPassword(browser, email, password, retour)
  if (passwordStep.statusCode !== 303 || passwordStep.headers.location !== '/connexion/code') {
    throw new Error(`password step failed: ${passwordStep.statusCode}`)
  }
  const codeStep = await browser.post('/connexion/code', { code: await lastLoginCode(t, email) })
  if (codeStep.statusCode !== 303) throw new Error(`code step failed: ${codeStep.statusCode}`)
  return codeStep
}
