/**
 * The application under test, as its own process (`node dist/server.js`, built by `buildApplication`
 * first), the way it runs in production, except NODE_ENV=development (production demands https and SMTP) with
 * the demo data off and warnings-only logs. Memory is read from /proc/<pid>/status.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'

export interface ServerTarget { sqliteFile?: string; databaseUrl?: string }

export interface RunningServer {
  pid: number
  url: string
  /** Milliseconds from spawn to the first `/readyz` answering 200. */
  readyAfterMs: number
  /** Resident memory in MiB (VmRSS) and its two parts: private memory (RssAnon: heaps, stacks) and mapped files' pages (RssFile). */
  memoryMiB: () => Memory
  /** CPU time (user + system, all threads) the server used so far, in milliseconds. */
  cpuMs: () => number
  /** The same for the main thread alone (JavaScript, SQLite, HTTP); the rest is argon2's pool, GC helpers… */
  mainThreadCpuMs: () => number
  stop: () => Promise<void>
}

export interface ServerOptions {
  demoData?: boolean
  /** Deliver emails over SMTP to this server (default: the dev mailbox, in-process). */
  smtpUrl?: string
  /** Directory for a V8 CPU profile (`node --cpu-prof`), written when the server stops. */
  cpuProfileDir?: string
}

const root = path.resolve(import.meta.dirname, '..', '..')

export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export interface Memory { rss: number; anonymous: number; files: number }

/**
 * Mapped files' pages are mostly the node binary's own (its code and the ICU data it carries),
 * shared by every node process and given back first under memory pressure: the private part is
 * what the application itself costs.
 */
export function readMemoryMiB (pid: number): Memory {
  let status = ''
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    // The process is gone: nothing resident.
  }
  const mib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? 0) / 1024
  return { rss: mib('VmRSS'), anonymous: mib('RssAnon'), files: mib('RssFile') }
}

/** utime + stime of /proc/<pid>/stat (fields 14 and 15, in clock ticks of 10 ms). */
export function readCpuMs (pid: number, statFile = `/proc/${pid}/stat`): number {
  try {
    const stat = fs.readFileSync(statFile, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return 0
  }
}

/** `npm run build`: the suite measures the compiled application, as production runs it. */
export function buildApplication (): void {
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' })
}

export async function startServer (target: ServerTarget, options: ServerOptions = {}): Promise<RunningServer> {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of ['DATABASE_URL', 'SQLITE_FILE', 'SMTP_URL', 'BOOTSTRAP_SUPERADMIN_EMAIL', 'BOOTSTRAP_SUPERADMIN_PASSWORD', 'APP_BASE_URL', 'HOST']) {
    delete env[name]
  }
  Object.assign(env, {
    PORT: String(port),
    NODE_ENV: 'development',
    DEMO_DATA: options.demoData ? 'true' : 'false',
    LOG_LEVEL: 'warn',
    // The OpenID Connect issuer is APP_BASE_URL: the server's own address, so its redirects stay on it.
    APP_BASE_URL: `http://127.0.0.1:${port}`,
    ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : {}),
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : { SQLITE_FILE: target.sqliteFile }),
  })
  const args: string[] = []
  if (options.cpuProfileDir) args.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir)
  args.push('dist/server.js')
  const started = performance.now()
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = `http://127.0.0.1:${port}`
  const readyAfterMs = await waitUntilReady(url, child, started, () => output)
  return {
    pid: child.pid!,
    url,
    readyAfterMs,
    memoryMiB: () => readMemoryMiB(child.pid!),
    cpuMs: () => readCpuMs(child.pid!),
    // The main thread's id is the process id.
    mainThreadCpuMs: () => readCpuMs(child.pid!, `/proc/${child.pid!}/task/${child.pid!}/stat`),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 25_000)
      await exited
      clearTimeout(timer)
    },
  }
}

async function waitUntilReady (url: string, child: ChildProcess, started: number, output: () => string): Promise<number> {
  const deadline = started + 60_000
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output()}`)
    try {
      const response = await fetch(`${url}/readyz`)
      if (response.status === 200) return performance.now() - started
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  child.kill('SIGKILL')
  throw new Error(`the server was not ready within 60 s:\n${output()}`)
}
