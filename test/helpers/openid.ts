/**
 * End-to-end helpers for the OpenID Connect provider: the real app listening on a port (its
 * APP_BASE_URL is that address, so the issuer matches), a cookie-keeping HTTP browser that
 * follows the sign-in through the portal's login pages, and an openid-client configuration.
 */
import net from 'node:net'
import { Writable } from 'node:stream'
import * as client from 'openid-client'
import { buildTestApp, RunningClock, type TestApp, type TestAppOptions } from './test-app.ts'
import { lastLoginCode } from './login.ts'
import { testPassword } from './fixtures.ts'
import { cookieHeader, rememberCookies } from './processes.ts'
import { registerClient, type ClientRegistration } from '../../src/features/openid-provider/index.ts'

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

export interface ListeningApp extends TestApp { issuer: string; logLines: string[] }

/** The app on 127.0.0.1:<port>, logging at debug level into logLines (tests search them for secrets). */
export async function startListeningApp (options: TestAppOptions = {}): Promise<ListeningApp> {
  const port = await freePort()
  const issuer = `http://127.0.0.1:${port}`
  const logLines: string[] = []
  const logStream = new Writable({ write (chunk, _encoding, done) { logLines.push(String(chunk)); done() } })
  const clock = options.clock ?? new RunningClock()
  const t = await buildTestApp({ ...options, clock, env: { APP_BASE_URL: issuer, LOG_LEVEL: 'debug', ...options.env }, logStream })
  await t.app.listen({ port, host: '127.0.0.1' })
  return { ...t, issuer, logLines }
}

/** A browser over real HTTP: keeps cookies (by name), never follows redirects by itself. */
export class HttpBrowser {
  readonly cookies = new Map<string, string>()
  constructor (readonly origin: string) {}

  private remember (response: Response) {
    rememberCookies(this.cookies, response)
    return response
  }


  async get (url: string): Promise<Response> {
    return this.remember(await fetch(new URL(url, this.origin), { redirect: 'manual', headers: { cookie: cookieHeader(this.cookies) } }))
  }

  async post (url: string, form: Record<string, string>): Promise<Response> {
    if (!this.cookies.has('csrf')) await this.get('/')
    const body = new URLSearchParams({ _csrf: this.cookies.get('csrf') ?? '', ...form })
    return this.remember(await fetch(new URL(url, this.origin), {
      method: 'POST', redirect: 'manual', body, headers: { cookie: cookieHeader(this.cookies), 'content-type': 'application/x-www-form-urlencoded' },
    }))
  }

  /** Opens an address of this origin (an authorization request) and follows its redirects, as `follow`. */
  async visit (url: URL): Promise<{ response: Response; location?: string }> {
    return await this.follow(await this.get(url.pathname + url.search))
  }

  /** Follows redirects within this origin; returns the first response that is not one, or the first redirect leaving the origin. */
  async follow (response: Response, max = 10): Promise<{ response: Response; location?: string }> {
    let current = response
    for (let i = 0; i < max; i++) {
      const location = current.headers.get('location')
      if (current.status < 300 || current.status >= 400 || !location) return { response: current }
      const next = new URL(location, this.origin)
      if (next.origin !== this.origin) return { response: current, location: next.toString() }
      await current.arrayBuffer()
      current = await this.get(next.pathname + next.search)
    }
    throw new Error('too many redirects')
  }
}

/** Registers a client straight through the feature (as the CLI does). */
export async function registerTestClient (t: TestApp, registration: Partial<ClientRegistration> & { redirectUris: string[] }) {
  return await registerClient(t.db, {
    name: 'Fiches patients (test)', postLogoutRedirectUris: [], scopes: ['openid', 'email', 'profile', 'bamara'], ...registration,
  }, { accountId: null }, t.clock.now())
}

export async function clientConfiguration (issuer: string, clientId: string, clientSecret: string): Promise<client.Configuration> {
  return await client.discovery(new URL(issuer), clientId, undefined, client.ClientSecretBasic(clientSecret), { execute: [client.allowInsecureRequests] })
}

export interface AuthorizationStart { url: URL; verifier: string; state: string; nonce: string }

export async function startAuthorization (config: client.Configuration, redirectUri: string, scope = 'openid email profile bamara', extra: Record<string, string> = {}): Promise<AuthorizationStart> {
  const verifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope, state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  })
  return { url, verifier, state, nonce }
}

/**
 * A whole sign-in through the portal: authorization request, the portal's login when needed
 * (password, then the emailed code), back to the relying party. Returns the redirect to the
 * client (with the code), or throws.
 */
export async function signInThroughPortal (t: TestApp, browser: HttpBrowser, start: AuthorizationStart, email?: string): Promise<URL> {
  let { response, location } = await browser.visit(start.url)
  if (!location && response.status === 200 && new URL(response.url).pathname === '/connexion' && email) {
    const retour = new URL(response.url).searchParams.get('retour') ?? ''
    await response.arrayBuffer()
    const passwordStep = await browser.post('/connexion', { email, password: testPassword, retour })
    if (passwordStep.status !== 303) throw new Error(`password step: ${passwordStep.status}`)
    const codeStep = await browser.post('/connexion/code', { code: await lastLoginCode(t, email) })
    // An application's login ends with a page that goes on by itself (Refresh), not a redirect.
    const onward = /^0; url=(\/oidc\/interaction\/[\w-]+)$/.exec(codeStep.headers.get('refresh') ?? '')?.[1]
    if (codeStep.status !== 200 || !onward) throw new Error(`code step: ${codeStep.status}`)
    await codeStep.arrayBuffer()
    ;({ response, location } = await browser.follow(await browser.get(onward)))
  }
  if (!location) throw new Error(`sign-in ended at ${response.url} with ${response.status}: ${(await response.text()).slice(0, 300)}`)
  return new URL(location)
}
