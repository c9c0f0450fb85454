/**
 * Logs a test browser in directly (a session row and its cookie), for tests about what comes
 * after login. Tests of the login itself go through the real pages.
 */
import type { TestApp } from './test-app.ts'
import type { TestBrowser } from './browser.ts'
import { createSession } from '../../src/features/sessions/index.ts'

export async function signIn (t: TestApp, browser: TestBrowser, accountId: string): Promise<string> {
  const token = await createSession(t.db, accountId, t.clock.now())
  browser.cookies.set(t.app.sessionCookie, token)
  return token
}
