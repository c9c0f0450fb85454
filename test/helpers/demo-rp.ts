/**
 * The « fiches patients » demo application (demo/fiches-patients) for tests, beside the account
 * service: registered as a client of it (as `npm run cli -- oidc-client add` does), then started
 * in this process (`startDemoRp`) or as its own process, as `npm run demo:rp` runs it
 * (`startDemoRpProcess`). And a cookie-keeping HTTP client that goes from one to the other the
 * way a browser does (cookies by name: both listen on 127.0.0.1, and cookies ignore ports).
 */
import { spawn } from 'node:child_process'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/kernel/db/database.ts'
import { registerClient } from '../../src/features/openid-provider/index.ts'
import { buildDemoApp } from '../../demo/fiches-patients/app.ts'
import { readDemoConfig, registeredUris } from '../../demo/fiches-patients/config.ts'
import type { MemoryStore } from '../../demo/fiches-patients/session-store.ts'
import { cookieHeader, freePort, rememberCookies, repositoryRoot, sleep } from './processes.ts'


export interface DemoClient { clientId: string; clientSecret: string; baseUrl: string; port: number }

/** Registers the demo at a free port's address, with its three URIs, as the README's command does. */
export async function registerDemoClient (db: Db, now: number): Promise<DemoClient> {
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const uris = registeredUris(baseUrl)
  const { clientId, clientSecret } = await registerClient(db, {
    name: 'Fiches patients (démo)',
    redirectUris: [uris.redirectUri],
    postLogoutRedirectUris: [uris.postLogoutRedirectUri],
    backchannelLogoutUri: uris.backchannelLogoutUri,
    scopes: ['openid', 'email', 'profile', 'bamara'],
  }, { accountId: null }, now)
  if (!clientSecret) throw new Error('no client secret')
  return { clientId, clientSecret, baseUrl, port }
}

const demoEnv = (issuer: string, demo: DemoClient) => ({
  DEMO_RP_PORT: String(demo.port),
  DEMO_RP_BASE_URL: demo.baseUrl,
  DEMO_RP_PROVIDER_URL: issuer,
  DEMO_RP_CLIENT_ID: demo.clientId,
  DEMO_RP_CLIENT_SECRET: demo.clientSecret,
  DEMO_RP_LOG_LEVEL: 'debug',
})

export interface StartedDemo { app: FastifyInstance; logLines: string[]; close: () => Promise<void> }

export async function startDemoRp (issuer: string, demo: DemoClient, options: { now?: () => number; store?: MemoryStore } = {}): Promise<StartedDemo> {
  const logLines: string[] = []
  const logStream = new Writable({ write (chunk, _encoding, done) { logLines.push(String(chunk)); done() } })
  const app = await buildDemoApp(readDemoConfig(demoEnv(issuer, demo)), { ...options, logStream })
  await app.listen({ port: demo.port, host: '127.0.0.1' })
  return { app, logLines, close: () => app.close() }
}

export interface DemoProcess { output: () => string; stop: () => Promise<void> }

/** `npm run demo:rp` as a child process (tsx), waiting until it answers. */
export async function startDemoRpProcess (issuer: string, demo: DemoClient): Promise<DemoProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/fiches-patients/server.ts'], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...demoEnv(issuer, demo) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const chunks: string[] = []
  child.stdout.on('data', (c: Buffer) => chunks.push(c.toString('utf8')))
  child.stderr.on('data', (c: Buffer) => chunks.push(c.toString('utf8')))
  let exited = false
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve() }))
  const output = () => chunks.join('')
  const stop = async () => {
    if (!exited) child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exit
    clearTimeout(timer)
  }
  const deadline = Date.now() + 30_000
  for (;;) {
    if (exited) throw new Error(`the demo exited before it was ready:\n${output()}`)
    try {
      if ((await fetch(`${demo.baseUrl}/style.css`, { signal: AbortSignal.timeout(2000) })).status === 200) break
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`the demo did not start in time:\n${output()}`)
    }
    await sleep(100)
  }
  return { output, stop }
}

export interface Visit { status: number; url: string; body: string }

/** Two origins on 127.0.0.1, one cookie jar: follows every redirect, posts the account service's forms with their CSRF field. */
export class TwoOriginBrowser {
  readonly cookies = new Map<string, string>()


  private remember (response: Response) {
    rememberCookies(this.cookies, response)
    return response
  }

  async request (url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    return this.remember(await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: { cookie: cookieHeader(this.cookies), ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(init.form ? { body: new URLSearchParams(init.form) } : {}),
    }))
  }

  /** The request, then its redirects (303s are GETs), to the first answer that is not a redirect. */
  async visit (url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Visit> {
    let current = url
    let response = await this.request(current, init)
    for (let i = 0; i < 15; i++) {
      // A redirect, or a page that goes on by itself at once (Refresh: 0; url=…), as browsers do.
      const refresh = /^0;\s*url=(.+)$/i.exec(response.headers.get('refresh') ?? '')?.[1]
      const next = response.status >= 300 && response.status < 400 ? response.headers.get('location') ?? '' : refresh
      if (next === undefined) break
      await response.arrayBuffer()
      current = new URL(next, current).toString()
      response = await this.request(current)
    }
    return { status: response.status, url: current, body: await response.text() }
  }

  /** A form of the account service: its CSRF cookie's value goes in `_csrf`. */
  async submit (url: string, form: Record<string, string>): Promise<Visit> {
    return this.visit(url, { form: { _csrf: this.cookies.get('csrf') ?? '', ...form } })
  }
}
