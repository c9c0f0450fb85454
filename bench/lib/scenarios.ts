/**
 * The HTTP scenarios of issue 7 (2: password step, 3: code step and an authenticated page,
 * 4: the account manager's list), driven against a running server over loopback.
 *
 * Forms carry the CSRF pair the app expects (cookie `csrf` equal to the `_csrf` field, any
 * well-formed 43-character token). Sessions and login challenges are written straight into the
 * database with the app's own functions, so each request measures one step and nothing else.
 */
import { randomBytes } from 'node:crypto'
import type { Db } from '../../src/kernel/db/database.ts'
import { createSession } from '../../src/features/sessions/index.ts'
import { digestOneTimeCode, issueToken } from '../../src/kernel/security/tokens.ts'
import { runLoad, type LoadResult } from './load.ts'
import { runUsers } from './users.ts'
import { benchPassword, type LoginAccount } from './seed.ts'

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
const csrfToken = () => randomBytes(32).toString('base64url')

/**
 * The loopback address gets an unlimited allowance on the per-IP login limits: its counters
 * start at minus a billion. Every request still runs the same counting upsert, so the cost
 * measured is the production cost; only the refusal never comes.
 */
export async function liftLoopbackRateLimits (db: Db, now: number): Promise<void> {
  const keys = ['login:password:ip', 'login:code:ip'].flatMap((prefix) =>
    ['127.0.0.1', '::1', '::ffff:127.0.0.1'].map((address) => `${prefix}:${address}`))
  await db.deleteFrom('rate_limit').where('key', 'in', keys).execute()
  await db.insertInto('rate_limit')
    .values(keys.map((key) => ({ key, window_start: now + 365 * 24 * 3600 * 1000, hits: -1_000_000_000 })))
    .execute()
}

export async function createSessions (db: Db, accountIds: string[], now: number): Promise<string[]> {
  return db.transaction().execute(async (tx) => {
    const tokens: string[] = []
    for (const id of accountIds) tokens.push(await createSession(tx, id, now, { ip: '127.0.0.1', userAgent: 'bench' }))
    return tokens
  })
}

/** Rotates through a list: each account serves one request before the next is taken. */
function rotation<T> (items: T[]) {
  let index = 0
  return () => items[index++ % items.length]!
}

/** Scenario 2: the password step. Correct passwords answer 303 to the code page (a challenge
 * is created and the code email queued, then delivered to the dev mailbox); wrong ones 401. */
export function runPasswordStep (url: string, accounts: LoginAccount[], correct: boolean, connections: number, duration: number): Promise<LoadResult> {
  const nextAccount = rotation(accounts)
  return runLoad({
    url,
    connections,
    duration,
    expect: correct ? [303] : [401],
    next: () => {
      const account = nextAccount()
      const csrf = csrfToken()
      return {
        method: 'POST',
        path: '/connexion',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `csrf=${csrf}` },
        body: form({ email: account.email, password: correct ? benchPassword : 'Pas le bon mot de passe 1!', _csrf: csrf }),
      }
    },
  })
}

/**
 * Scenario 3a: the 8-digit code step, on challenges created beforehand with a known code. Each
 * challenge serves once (success deletes it and opens a session), so the run is `amount`
 * requests long; the challenges left afterwards tell whether every request really logged in.
 */
export async function runCodeStep (db: Db, url: string, accounts: LoginAccount[], now: number, connections: number): Promise<LoadResult & { loggedIn: number }> {
  const code = '12345678'
  const browsers = accounts.map((account) => ({ account, ...issueToken() }))
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('login_challenge').where('account_id', 'in', accounts.map((a) => a.id)).execute()
    for (let i = 0; i < browsers.length; i += 1000) {
      await tx.insertInto('login_challenge').values(browsers.slice(i, i + 1000).map((b) => ({
        id_digest: b.digest,
        account_id: b.account.id,
        code_digest: digestOneTimeCode(b.digest, code),
        created_at: now,
        code_sent_at: now,
        // The run may outlast the one-minute code lifetime; the challenge's ten minutes still hold.
        code_expires_at: now + 3_600_000,
        wrong_codes: 0,
        codes_sent: 1,
        return_to: null,
      }))).execute()
    }
  })
  const nextBrowser = rotation(browsers)
  const result = await runLoad({
    url,
    connections,
    amount: browsers.length,
    expect: [303],
    next: () => {
      const browser = nextBrowser()
      const csrf = csrfToken()
      return {
        method: 'POST',
        path: '/connexion/code',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `csrf=${csrf}; preconnexion=${browser.token}` },
        body: form({ code, _csrf: csrf }),
      }
    },
  })
  const left = await db.selectFrom('login_challenge').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('id_digest', 'in', browsers.map((b) => b.digest)).executeTakeFirstOrThrow()
  const loggedIn = browsers.length - Number(left.n)
  return { ...result, loggedIn, unexpected: result.unexpected + Math.max(0, result.requests - loggedIn) }
}

/** A GET with a session cookie (scenario 3b: /mon-compte; scenario 4: /gestion…), back to back on each connection. */
export function runAuthenticatedPage (url: string, path: string, sessionTokens: string[], connections: number, duration: number): Promise<LoadResult> {
  const nextToken = rotation(sessionTokens)
  const csrf = csrfToken()
  return runLoad({
    url,
    connections,
    duration,
    expect: [200],
    next: () => ({ method: 'GET', path, headers: { cookie: `csrf=${csrf}; session=${nextToken()}` } }),
  })
}

/** Scenario 3b as users: each has their own session and thinks between clicks (see users.ts). */
export function runAuthenticatedUsers (url: string, path: string, sessionTokens: string[], users: number, thinkSeconds: number, duration: number): Promise<LoadResult> {
  const csrf = csrfToken()
  return runUsers({
    url,
    users,
    thinkSeconds,
    duration,
    expect: [200],
    request: (index) => ({ path, headers: { cookie: `csrf=${csrf}; session=${sessionTokens[index % sessionTokens.length]!}` } }),
  })
}

/** Scenario 4's requests: the list as the manager of the 15,000-user hospital sees it. */
export const consoleRequests: Array<{ name: string; path: string }> = [
  { name: 'first page', path: '/gestion' },
  { name: 'status: email not confirmed', path: '/gestion?statut=non-confirme' },
  { name: 'status: pending activation', path: '/gestion?statut=en-attente' },
  { name: 'status: active', path: '/gestion?statut=actif' },
  { name: 'status: deactivated', path: '/gestion?statut=desactive' },
  { name: 'locked only', path: '/gestion?verrouille=1' },
  { name: 'search « leveque »', path: '/gestion?q=leveque' },
  { name: 'search « Lévêque »', path: `/gestion?q=${encodeURIComponent('Lévêque')}` },
  { name: 'search « hélène martin »', path: `/gestion?q=${encodeURIComponent('martin hélène')}` },
  { name: 'sorted by name', path: '/gestion?tri=nom' },
  { name: 'deep page (300 of 300)', path: '/gestion?page=300' },
]

/** Not a target: the super-administrator's console over all 100,000 accounts, no hospital chosen. */
export const nationalConsoleRequests: Array<{ name: string; path: string }> = [
  { name: 'super-administrator, all hospitals: first page', path: '/gestion' },
  { name: 'super-administrator, all hospitals: pending activation', path: '/gestion?statut=en-attente' },
  { name: 'super-administrator, all hospitals: search « Lévêque »', path: `/gestion?q=${encodeURIComponent('Lévêque')}` },
]
