/**
 * Real processes for the reliability tests: the server (`src/server.ts`) started as a child
 * process with its own environment, a cookie-keeping HTTP client over real sockets (`fetch`),
 * and a private PostgreSQL cluster that a test may restart or stop without touching the shared
 * one the other test files use.
 *
 *   const server = await startServer({ DATABASE_URL: …, SMTP_URL: smtp.url })
 *   const browser = new HttpClient(server.baseUrl)
 *   await browser.post('/connexion', { email, password })
 *   expect(await server.stop()).toBe(0)
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's root, where the processes the tests start run. */
export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export async function freePort (): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as net.AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

/** Polls `check` until it returns something other than undefined/false, or throws after `timeout`. */
export async function waitFor<T> (check: () => Promise<T | undefined | false> | T | undefined | false, options: { timeout?: number; interval?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeout ?? 20_000)
  let lastError: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value
    } catch (error) {
      lastError = error
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${options.what ?? 'a condition'}${lastError ? ` (last error: ${String(lastError)})` : ''}`)
    }
    await sleep(options.interval ?? 100)
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// ---------------------------------------------------------------------------------------------
// The server as a child process

export interface ServerProcess {
  port: number
  /** The process id (the scheduler names its instance by host and pid in the lease table). */
  pid: number
  baseUrl: string
  /** Everything the process wrote (stdout and stderr), for diagnostics. */
  output: () => string
  /** Resolves with the exit code (null when killed by a signal) once the process has ended. */
  exited: Promise<number | null>
  /** Sends SIGTERM (graceful shutdown) and waits for the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

/**
 * The process tests run the compiled application, as production does. `npm test` builds it
 * first; a run of one test file rebuilds it when a source file is newer than the build.
 */
export function ensureBuilt (): void {
  const built = path.join(repositoryRoot, 'dist/.built')
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0
  const newest = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const file = path.join(dir, entry.name)
    return Math.max(latest, entry.isDirectory() ? newest(file) : fs.statSync(file).mtimeMs)
  }, 0)
  if (builtAt < newest(path.join(repositoryRoot, 'src'))) {
    execFileSync(process.execPath, [path.join(repositoryRoot, 'scripts/build.mjs')], { cwd: repositoryRoot, stdio: 'inherit' })
  }
}

/**
 * Starts `dist/server.js` (built from `src/`) on a free port with NODE_ENV=test, no demo data, and `env` on top
 * (DATABASE_URL or SQLITE_FILE, SMTP_URL, APP_BASE_URL…), and waits until `/readyz` answers 200.
 */
export async function startServer (env: Record<string, string>, options: { readyTimeout?: number } = {}): Promise<ServerProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  ensureBuilt()
  const child: ChildProcess = spawn(process.execPath, ['dist/server.js'], {
    cwd: repositoryRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      APP_BASE_URL: 'http://bamara.test',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const chunks: string[] = []
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')))
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let hasExited = false
  void exited.then(() => { hasExited = true })
  const output = () => chunks.join('')

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (!hasExited) child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    const code = await exited
    clearTimeout(timer)
    return code
  }

  const deadline = Date.now() + (options.readyTimeout ?? 45_000)
  for (;;) {
    if (hasExited) throw new Error(`the server exited before it was ready:\n${output()}`)
    try {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) })
      if (response.status === 200) break
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop('SIGKILL')
      throw new Error(`the server was not ready in time:\n${output()}`)
    }
    await sleep(150)
  }
  return { port, pid: child.pid ?? 0, baseUrl, output, exited, stop }
}

// ---------------------------------------------------------------------------------------------
// A browser over real HTTP: cookies kept by name, forms posted with the CSRF field

/** Keeps the cookies a response sets, by name as a browser on one host does; drops expired ones. */
export function rememberCookies (cookies: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq).trim()
    const value = pair.slice(eq + 1).trim()
    const expired = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) ||
      attributes.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') <= Date.now())
    if (expired) cookies.delete(name)
    else cookies.set(name, value)
  }
}

/** The Cookie header of the cookies kept. */
export function cookieHeader (cookies: Map<string, string>): string {
  return [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
}

export interface HttpResponse { status: number; headers: Headers; body: string; location: string | null }

export class HttpClient {
  readonly cookies = new Map<string, string>()
  constructor (public baseUrl: string) {}

  private async send (url: string, init: RequestInit): Promise<HttpResponse> {
    const response = await fetch(new URL(url, this.baseUrl), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: cookieHeader(this.cookies) },
      signal: AbortSignal.timeout(30_000),
    })
    rememberCookies(this.cookies, response)
    return { status: response.status, headers: response.headers, body: await response.text(), location: response.headers.get('location') }
  }

  get (url: string) {
    return this.send(url, { method: 'GET' })
  }

  async csrfToken (): Promise<string> {
    const name = [...this.cookies.keys()].find((k) => k.endsWith('csrf'))
    if (name) return this.cookies.get(name) as string
    await this.get('/')
    const fetched = [...this.cookies.keys()].find((k) => k.endsWith('csrf'))
    if (!fetched) throw new Error('no CSRF cookie from the server')
    return this.cookies.get(fetched) as string
  }

  async post (url: string, form: Record<string, string | string[]>) {
    const params = new URLSearchParams()
    params.append('_csrf', await this.csrfToken())
    for (const [key, value] of Object.entries(form)) {
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v)
    }
    return this.send(url, { method: 'POST', body: params.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  }

  /** The same browser (cookies) talking to another instance behind the load balancer. */
  through (baseUrl: string): HttpClient {
    const other = new HttpClient(baseUrl)
    // Shares the jar: both views see the cookies either one receives.
    ;(other as { cookies: Map<string, string> }).cookies = this.cookies
    return other
  }
}

// ---------------------------------------------------------------------------------------------
// A private PostgreSQL cluster (Debian's binaries), to restart without disturbing anyone

function postgresBinaries (): string {
  const root = '/usr/lib/postgresql'
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(a) - Number(b)) : []
  const bin = versions.map((v) => path.join(root, v, 'bin')).filter((dir) => fs.existsSync(path.join(dir, 'pg_ctl'))).at(-1)
  if (!bin) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql')
  return bin
}

export class PrivatePostgres {
  private constructor (readonly dir: string, readonly port: number, private readonly bin: string) {}

  /** An admin connection (database `postgres`). */
  get url () { return `postgres://postgres@127.0.0.1:${this.port}/postgres` }
  databaseUrl (name: string) { return `postgres://postgres@127.0.0.1:${this.port}/${name}` }

  static async create (): Promise<PrivatePostgres> {
    const bin = postgresBinaries()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bamara-private-pg-'))
    const cluster = new PrivatePostgres(dir, await freePort(), bin)
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir])
    cluster.run(`${bin}/initdb -D ${dir}/data -U postgres -A trust --no-sync`)
    cluster.start()
    return cluster
  }

  private run (command: string) {
    if (process.getuid?.() === 0) execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { stdio: 'pipe' })
    else execFileSync('/bin/sh', ['-c', command], { stdio: 'pipe' })
  }

  private ctl (action: string) {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`
    this.run(`${this.bin}/pg_ctl -D ${this.dir}/data -o '${options}' -l ${this.dir}/log -w -t 30 -m fast ${action}`)
  }

  start () { this.ctl('start') }
  stop () { this.ctl('stop') }
  restart () { this.ctl('restart') }

  /** Stops the cluster (if running) and removes its files. */
  destroy () {
    try { this.stop() } catch { /* already stopped */ }
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}
