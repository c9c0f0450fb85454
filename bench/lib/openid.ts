/**
 * The OpenID Connect provider's scenarios: the token endpoint (authorization-code exchange with
 * PKCE S256, client_secret_basic) and userinfo (bearer access token), at 100 connections.
 *
 * How the authorization codes are produced (set-up, not measured): a confidential client is
 * registered with the feature's own `registerClient` (what the CLI's `oidc-client add` calls);
 * portal sessions are written straight into the database with `createSession` (the login
 * itself is measured by scenarios 2 and 3); then, for each code, a small cookie-keeping HTTP
 * client sends the real authorization request `/oidc/auth` with that portal session cookie and
 * follows the provider's redirects (`/oidc/interaction/:uid`: the portal session finishes the
 * interaction at once, single sign-on; `/oidc/auth/:uid`) until the redirect to the client's
 * `redirect_uri?code=…`. Each code is exchanged exactly once by the measured run. A code lives
 * one minute (rules.oidcAuthorizationCodeTtl): the codes are minted just before the run, for
 * 30 s at most (fewer codes on a slow or loaded machine), so minting and exchanging fit in it.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '../../src/kernel/db/database.ts'
import { registerClient } from '../../src/features/openid-provider/index.ts'
import { runLoad, type LoadResult } from './load.ts'

export const benchRedirectUri = 'http://127.0.0.1:9/rappel'

export interface BenchClient { clientId: string; clientSecret: string; basic: string }

export async function registerBenchClient (db: Db, now: number): Promise<BenchClient> {
  const created = await registerClient(db, {
    name: 'Banc d’essai', redirectUris: [benchRedirectUri], postLogoutRedirectUris: [], scopes: ['openid', 'email', 'profile', 'bamara'],
  }, { accountId: null }, now)
  const clientSecret = created.clientSecret as string
  // RFC 6749 §2.3.1: id and secret are form-urlencoded before the Basic encoding.
  const basic = Buffer.from(`${encodeURIComponent(created.clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')
  return { clientId: created.clientId, clientSecret, basic }
}

export interface MintedCode { code: string; verifier: string }

/** One browser (one portal session): keeps cookies by name, follows redirects within the server. */
async function mintOne (url: string, client: BenchClient, cookies: Map<string, string>): Promise<MintedCode> {
  const verifier = randomBytes(32).toString('base64url')
  const query = new URLSearchParams({
    client_id: client.clientId, response_type: 'code', redirect_uri: benchRedirectUri, scope: 'openid email profile bamara',
    state: randomBytes(16).toString('base64url'), nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  })
  let next = `${url}/oidc/auth?${query.toString()}`
  for (let hop = 0; hop < 8; hop++) {
    const response = await fetch(next, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? ''
      const at = pair.indexOf('=')
      const value = pair.slice(at + 1)
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) cookies.delete(pair.slice(0, at))
      else cookies.set(pair.slice(0, at), value)
    }
    const text = await response.text()
    const location = response.headers.get('location')
    if (response.status < 300 || response.status >= 400 || !location) throw new Error(`minting a code: ${response.status} at ${next}: ${text.slice(0, 300)}`)
    const target = new URL(location, url)
    if (target.href.startsWith(benchRedirectUri)) {
      const code = target.searchParams.get('code')
      if (!code) throw new Error(`minting a code: no code in ${target.search}`)
      return { code, verifier }
    }
    next = target.href
  }
  throw new Error('minting a code: too many redirects')
}

/**
 * Up to `amount` codes over the given portal sessions, `parallel` browsers at a time, minting
 * for `budgetSeconds` at most: the first code must still be alive when the last is exchanged.
 */
export async function mintCodes (url: string, client: BenchClient, sessionTokens: string[], amount: number, budgetSeconds: number, parallel = 16): Promise<MintedCode[]> {
  const deadline = performance.now() + budgetSeconds * 1000
  const jars = sessionTokens.map((token) => new Map([['session', token]]))
  const codes: MintedCode[] = []
  let started = 0
  const workers = Math.min(parallel, jars.length)
  // Worker w owns the browsers w, w + workers, …: one authorization request per browser at a time.
  await Promise.all(Array.from({ length: workers }, async (_, worker) => {
    for (let round = 0; started < amount && performance.now() < deadline; round++) {
      started++
      const owned = Math.ceil((jars.length - worker) / workers)
      codes.push(await mintOne(url, client, jars[worker + (round % owned) * workers]!))
    }
  }))
  return codes
}

const tokenRequest = (client: BenchClient, minted: MintedCode) => ({
  method: 'POST' as const,
  path: '/oidc/token',
  headers: { authorization: `Basic ${client.basic}`, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'authorization_code', code: minted.code, redirect_uri: benchRedirectUri, code_verifier: minted.verifier }).toString(),
})

/** The token endpoint: each code exchanged once, `connections` requests in flight. */
export function runCodeExchange (url: string, client: BenchClient, codes: MintedCode[], connections: number): Promise<LoadResult> {
  let index = 0
  return runLoad({ url, connections, amount: codes.length, expect: [200], next: () => tokenRequest(client, codes[index++ % codes.length]!) })
}

/** Access tokens for userinfo: a few codes exchanged outside the measured run. */
export async function accessTokens (url: string, client: BenchClient, codes: MintedCode[]): Promise<string[]> {
  const tokens: string[] = []
  for (const minted of codes) {
    const request = tokenRequest(client, minted)
    const response = await fetch(`${url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body })
    const body = await response.json() as { access_token?: string }
    if (response.status !== 200 || !body.access_token) throw new Error(`token exchange: ${response.status} ${JSON.stringify(body)}`)
    tokens.push(body.access_token)
  }
  return tokens
}

/** Userinfo with a bearer access token (the claims, sites included, are read at each request). */
export function runUserinfo (url: string, tokens: string[], connections: number, duration: number): Promise<LoadResult> {
  let index = 0
  return runLoad({ url, connections, duration, expect: [200], next: () => ({ method: 'GET', path: '/oidc/me', headers: { authorization: `Bearer ${tokens[index++ % tokens.length]!}` } }) })
}
