/**
 * `npm run bench`: the benchmark suite of issue 7, on SQLite and on PostgreSQL.
 *
 * For each engine: a fresh database seeded with 100,000 accounts, the application started as
 * its own process, then the scenarios over HTTP on loopback. Each login figure is divided by
 * the raw argon2id rate measured in the same run (before and after, averaged), so the ratio
 * holds on a noisy machine. Prints a table and writes `bench/results/<time>.json` and
 * `bench/results/latest.json`.
 *
 * Environment:
 *   BENCH_QUICK=1         short runs (smoke test; figures are indicative only)
 *   BENCH_ENGINES=sqlite  engines to run (default: sqlite,postgres; PostgreSQL is skipped if down)
 *   BENCH_ONLY=login,console  scenarios: hash, login, code, page, console, token, userinfo, startup (default: all)
 *   BENCH_PROFILE=1       `node --cpu-prof` on the server; prints the top functions
 *   BENCH_DATABASE_URL    PostgreSQL server where a temporary database is created and dropped
 *   BENCH_SMTP_URL        SMTP server the application delivers to (default: a plain SMTP sink started by the suite)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { measureRawVerifications, type HashRate } from './lib/argon2.ts'
import { createDatabase, isPostgresReachable, type Engine } from './lib/databases.ts'
import type { LoadResult } from './lib/load.ts'
import { summarizeProfile, type ProfileSummary } from './lib/profile.ts'
import { printTable, type Row } from './lib/report.ts'
import {
  consoleRequests, createSessions, liftLoopbackRateLimits, nationalConsoleRequests, runAuthenticatedPage, runAuthenticatedUsers, runCodeStep, runPasswordStep,
} from './lib/scenarios.ts'
import { accessTokens, mintCodes, registerBenchClient, runCodeExchange, runUserinfo } from './lib/openid.ts'
import { fullSize, seedBenchData } from './lib/seed.ts'
import { buildApplication, startServer, type RunningServer } from './lib/server.ts'
import { startSmtpSink } from './lib/smtp-sink.ts'

const quick = process.env.BENCH_QUICK === '1'
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined
const wants = (scenario: string) => !only || only.has(scenario)
const profiling = process.env.BENCH_PROFILE === '1'
const cores = os.availableParallelism()

const settings = quick
  ? { hashSeconds: 2, loginSeconds: 4, codeAmount: 400, pageSeconds: 3, consoleSeconds: 1, startupRuns: 2, oidcCodes: 300, userinfoSeconds: 3 }
  : { hashSeconds: 10, loginSeconds: 20, codeAmount: 6000, pageSeconds: 15, consoleSeconds: 5, startupRuns: 5, oidcCodes: 1000, userinfoSeconds: 15 }
/** Enough requests in flight to keep every core hashing while others wait in the app's queue. */
const loginConnections = cores * 4
const pageConnections = 100
/**
 * Scenario 3b as users (the target's « 100 concurrent users »): mean think time between two
 * clicks of one user. 1 s is a very busy user (people read a page for several seconds); 0.1 s
 * is ten times that, to show the margin.
 */
const userThinkSeconds = [1, 0.1]

/** A load result with the server's CPU time per request (all its threads, argon2 included). */
type Measured<T extends LoadResult = LoadResult> = T & { serverCpuMsEach: number; mainThreadCpuMsEach: number }

async function withServerCpu<T extends LoadResult> (server: RunningServer, run: () => Promise<T>): Promise<Measured<T>> {
  const before = server.cpuMs()
  const mainBefore = server.mainThreadCpuMs()
  const load = await run()
  const each = (ms: number) => load.requests > 0 ? ms / load.requests : 0
  return { ...load, serverCpuMsEach: each(server.cpuMs() - before), mainThreadCpuMsEach: each(server.mainThreadCpuMs() - mainBefore) }
}

interface EngineResult {
  engine: Engine
  seedSeconds: number
  hashBefore?: HashRate
  hashAfter?: HashRate
  loginCorrect?: Measured
  loginWrong?: Measured
  codeStep?: Measured<LoadResult & { loggedIn: number }>
  myAccountPage?: Measured
  /** By mean think time in seconds. */
  myAccountPageUsers: Record<number, Measured>
  console: Record<string, Measured>
  /** OpenID Connect: authorization-code exchanges at the token endpoint (PKCE, client_secret_basic). */
  oidcToken?: Measured
  /** OpenID Connect: userinfo with a bearer access token. */
  oidcUserinfo?: Measured
  rssIdleMiB?: number
  /** The idle RSS's private part (RssAnon) and its mapped files' part (RssFile), see readMemoryMiB. */
  rssIdleAnonymousMiB?: number
  rssIdleFilesMiB?: number
  rssLoadedMiB?: number
  rssMaxMiB?: number
  startupMs?: number[]
  /** Messages the SMTP sink received (the login codes of scenario 2). */
  emailsReceived?: number
  profile?: ProfileSummary
}

const log = (text: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}`)

async function benchEngine (engine: Engine): Promise<EngineResult> {
  const result: EngineResult = { engine, seedSeconds: 0, console: {}, myAccountPageUsers: {} }
  const needsServer = ['login', 'code', 'page', 'console', 'token', 'userinfo'].some(wants)
  if (needsServer || wants('hash')) await benchServedScenarios(engine, result, needsServer)
  if (wants('startup')) result.startupMs = await measureStartup(engine)
  return result
}

async function benchServedScenarios (engine: Engine, result: EngineResult, needsServer: boolean) {
  const database = await createDatabase(engine)
  const profileDir = profiling ? fs.mkdtempSync(path.join(os.tmpdir(), 'bamara-profile-')) : undefined
  try {
    const now = Date.now()
    log(`${engine}: seeding ${fullSize.accounts} accounts…`)
    const seeded = await seedBenchData(database.db, fullSize, now)
    result.seedSeconds = seeded.seconds
    log(`${engine}: seeded in ${seeded.seconds.toFixed(1)} s`)
    await liftLoopbackRateLimits(database.db, now)

    // Disjoint slices of the active accounts: no account meets a per-account limit or a lockout.
    const accounts = seeded.loginAccounts
    const slice = (from: number, to: number) => accounts.slice(Math.floor(accounts.length * from), Math.floor(accounts.length * to))
    const correctAccounts = slice(0, 0.3)
    const wrongAccounts = slice(0.3, 0.6)
    const codeAccounts = slice(0.6, 0.9).slice(0, settings.codeAmount)
    const pageAccounts = slice(0.9, 1).slice(0, 1000)

    if (!needsServer) {
      await measureHashes(result, 'before')
      return
    }
    // Emails leave over SMTP, as in production (BENCH_SMTP_URL: a sink of your own, e.g. with TLS).
    const smtp = process.env.BENCH_SMTP_URL ? undefined : await startSmtpSink()
    const server = await startServer(database.target, { cpuProfileDir: profileDir, smtpUrl: process.env.BENCH_SMTP_URL ?? smtp?.url })
    let rssMax = 0
    const sampler = setInterval(() => { rssMax = Math.max(rssMax, server.memoryMiB().rss) }, 200)
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      const idle = server.memoryMiB()
      result.rssIdleMiB = idle.rss
      result.rssIdleAnonymousMiB = idle.anonymous
      result.rssIdleFilesMiB = idle.files
      log(`${engine}: server ready in ${server.readyAfterMs.toFixed(0)} ms, idle RSS ${idle.rss.toFixed(0)} MiB (private ${idle.anonymous.toFixed(1)}, mapped files ${idle.files.toFixed(1)})`)

      if (wants('hash') || wants('login')) await measureHashes(result, 'before')
      if (wants('login')) {
        let loaded = 0
        const loadSampler = setInterval(() => { loaded = Math.max(loaded, server.memoryMiB().rss) }, 200)
        log(`${engine}: password step, correct passwords, ${loginConnections} connections, ${settings.loginSeconds} s`)
        result.loginCorrect = await withServerCpu(server, () => runPasswordStep(server.url, correctAccounts, true, loginConnections, settings.loginSeconds))
        log(`${engine}: password step, wrong passwords`)
        result.loginWrong = await withServerCpu(server, () => runPasswordStep(server.url, wrongAccounts, false, loginConnections, settings.loginSeconds))
        clearInterval(loadSampler)
        result.rssLoadedMiB = loaded
      }
      if (wants('hash') || wants('login')) await measureHashes(result, 'after')

      if (wants('code')) {
        log(`${engine}: code step, ${codeAccounts.length} logins, ${pageConnections} connections`)
        result.codeStep = await withServerCpu(server, () => runCodeStep(database.db, server.url, codeAccounts, Date.now(), pageConnections))
      }
      if (wants('page')) {
        const tokens = await createSessions(database.db, pageAccounts.map((a) => a.id), Date.now())
        log(`${engine}: /mon-compte, ${pageConnections} connections, ${settings.pageSeconds} s`)
        result.myAccountPage = await withServerCpu(server, () => runAuthenticatedPage(server.url, '/mon-compte', tokens, pageConnections, settings.pageSeconds))
        for (const think of userThinkSeconds) {
          log(`${engine}: /mon-compte, ${pageConnections} users thinking ${think} s between clicks, ${settings.pageSeconds} s`)
          result.myAccountPageUsers[think] = await withServerCpu(server, () => runAuthenticatedUsers(server.url, '/mon-compte', tokens, pageConnections, think, settings.pageSeconds))
        }
      }
      if (wants('console')) {
        for (const [accountId, requests] of [[seeded.managerId, consoleRequests], [seeded.superadminId, nationalConsoleRequests]] as const) {
          const tokens = await createSessions(database.db, [accountId], Date.now())
          for (const request of requests) {
            // A few requests first: the first of a query pays for its plan and cold pages.
            await runAuthenticatedPage(server.url, request.path, tokens, 1, 0.5)
            result.console[request.name] = await withServerCpu(server, () => runAuthenticatedPage(server.url, request.path, tokens, 1, settings.consoleSeconds))
            log(`${engine}: console ${request.name}: p95 ${result.console[request.name]!.p95.toFixed(1)} ms`)
          }
        }
      }
      if (wants('token') || wants('userinfo')) await benchOpenidProvider(engine, database.db, server, pageAccounts, result)
    } finally {
      clearInterval(sampler)
      result.rssMaxMiB = rssMax
      await server.stop()
      if (smtp) {
        result.emailsReceived = smtp.received()
        log(`${engine}: the SMTP sink received ${result.emailsReceived} emails`)
        await smtp.stop()
      }
    }
    if (profileDir) {
      const file = fs.readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'))
      if (file) result.profile = summarizeProfile(path.join(profileDir, file))
    }
  } finally {
    await database.drop()
  }
}

/** The OpenID Connect provider (lib/openid.ts says how the codes are produced). */
async function benchOpenidProvider (engine: Engine, db: Parameters<typeof createSessions>[0], server: RunningServer, accounts: Array<{ id: string }>, result: EngineResult) {
  const client = await registerBenchClient(db, Date.now())
  const sessions = await createSessions(db, accounts.slice(0, 200).map((a) => a.id), Date.now())
  const forUserinfo = wants('userinfo') ? 100 : 0
  const minting = performance.now()
  const codes = await mintCodes(server.url, client, sessions, (wants('token') ? settings.oidcCodes : 0) + forUserinfo, 30)
  const tokenCodes = codes.length - forUserinfo
  log(`${engine}: minted ${codes.length} authorization codes in ${((performance.now() - minting) / 1000).toFixed(1)} s`)
  if (wants('token')) {
    log(`${engine}: token endpoint, ${tokenCodes} code exchanges, ${pageConnections} connections`)
    result.oidcToken = await withServerCpu(server, () => runCodeExchange(server.url, client, codes.slice(0, tokenCodes), pageConnections))
  }
  if (wants('userinfo')) {
    const tokens = await accessTokens(server.url, client, codes.slice(tokenCodes))
    log(`${engine}: userinfo, ${pageConnections} connections, ${settings.userinfoSeconds} s`)
    result.oidcUserinfo = await withServerCpu(server, () => runUserinfo(server.url, tokens, pageConnections, settings.userinfoSeconds))
  }
}

async function measureHashes (result: EngineResult, when: 'before' | 'after') {
  log(`${result.engine}: raw argon2id verifications (${when}), ${settings.hashSeconds} s`)
  const rate = await measureRawVerifications(settings.hashSeconds)
  if (when === 'before') result.hashBefore = rate
  else result.hashAfter = rate
}

/** Scenario 5b: spawn → `/readyz` 200 on an empty database with the demo data. */
async function measureStartup (engine: Engine): Promise<number[]> {
  const times: number[] = []
  for (let run = 0; run < settings.startupRuns; run++) {
    const database = await createDatabase(engine, false)
    try {
      const server = await startServer(database.target, { demoData: true })
      times.push(server.readyAfterMs)
      await server.stop()
    } finally {
      await database.drop()
    }
  }
  log(`${engine}: start-up ${times.map((t) => t.toFixed(0)).join(', ')} ms`)
  return times
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function rowsFor (results: EngineResult[]): Row[] {
  const by = (pick: (r: EngineResult) => number | undefined) =>
    Object.fromEntries(results.map((r) => [r.engine, pick(r)])) as Partial<Record<Engine, number>>
  // A run that completed no request has no latency: shown as missing, never as a met target.
  const done = (load: LoadResult | undefined) => load && load.requests > 0 ? load : undefined
  const rawPerCore = (r: EngineResult) => {
    const rates = [r.hashBefore, r.hashAfter].filter((h): h is HashRate => h !== undefined)
    return rates.length ? rates.reduce((sum, h) => sum + h.perSecondPerCore, 0) / rates.length : undefined
  }
  const perCore = (load: LoadResult | undefined) => load ? load.perSecond / cores : undefined
  const rawCpu = (r: EngineResult) => {
    const rates = [r.hashBefore, r.hashAfter].filter((h): h is HashRate => h !== undefined)
    return rates.length ? rates.reduce((sum, h) => sum + h.cpuMsEach, 0) / rates.length : undefined
  }
  const cpuRatio = (load: Measured | undefined, r: EngineResult) => {
    const raw = rawCpu(r)
    return load && raw && load.serverCpuMsEach > 0 ? raw / load.serverCpuMsEach : undefined
  }
  const otherThreads = (load: Measured | undefined) => load ? load.serverCpuMsEach - load.mainThreadCpuMsEach : undefined
  // The application's own share, without the hash's slowdown when it shares the cores: the
  // same verification measured alone, next to everything the main thread does per login.
  const ownShare = (load: Measured | undefined, r: EngineResult) => {
    const raw = rawCpu(r)
    return load && raw && load.mainThreadCpuMsEach > 0 ? raw / (raw + load.mainThreadCpuMsEach) : undefined
  }
  const ratio = (load: LoadResult | undefined, r: EngineResult) => {
    const raw = rawPerCore(r)
    return load && raw ? load.perSecond / cores / raw : undefined
  }
  const rows: Row[] = [
    { scenario: '1', measure: 'raw argon2id verifications /s/core (reference)', unit: '/s', values: by(rawPerCore) },
    { scenario: '1', measure: 'CPU time of one raw verification', unit: 'ms', values: by(rawCpu) },
    { scenario: '2', measure: 'password step, correct password: logins /s/core', unit: '/s', values: by((r) => perCore(r.loginCorrect)) },
    { scenario: '2', measure: '… ratio to the raw rate', unit: '', values: by((r) => ratio(r.loginCorrect, r)), target: { op: '>=', value: 0.85 } },
    { scenario: '2', measure: '… CPU ratio: one raw verification / server CPU per login', unit: '', values: by((r) => cpuRatio(r.loginCorrect, r)), target: { op: '>=', value: 0.85 } },
    { scenario: '2', measure: '… server CPU per login: main thread', unit: 'ms', values: by((r) => r.loginCorrect?.mainThreadCpuMsEach) },
    { scenario: '2', measure: '… server CPU per login: other threads (argon2 pool, GC)', unit: 'ms', values: by((r) => otherThreads(r.loginCorrect)) },
    { scenario: '2', measure: '… raw verification ÷ (raw verification + main thread per login)', unit: '', values: by((r) => ownShare(r.loginCorrect, r)) },
    { scenario: '2', measure: '… p99 latency', unit: 'ms', values: by((r) => r.loginCorrect?.p99) },
    { scenario: '2', measure: 'password step, wrong password: attempts /s/core', unit: '/s', values: by((r) => perCore(r.loginWrong)) },
    { scenario: '2', measure: '… ratio to the raw rate', unit: '', values: by((r) => ratio(r.loginWrong, r)), target: { op: '>=', value: 0.85 } },
    { scenario: '2', measure: '… CPU ratio: one raw verification / server CPU per attempt', unit: '', values: by((r) => cpuRatio(r.loginWrong, r)), target: { op: '>=', value: 0.85 } },
    { scenario: '2', measure: '… server CPU per attempt: main thread', unit: 'ms', values: by((r) => r.loginWrong?.mainThreadCpuMsEach) },
    { scenario: '2', measure: '… server CPU per attempt: other threads (argon2 pool, GC)', unit: 'ms', values: by((r) => otherThreads(r.loginWrong)) },
    { scenario: '2', measure: '… raw verification ÷ (raw verification + main thread per attempt)', unit: '', values: by((r) => ownShare(r.loginWrong, r)) },
    { scenario: '3', measure: `code step: logins /s (${pageConnections} connections)`, unit: '/s', values: by((r) => r.codeStep?.perSecond) },
    { scenario: '3', measure: '… p99 latency', unit: 'ms', values: by((r) => r.codeStep?.p99) },
    ...userThinkSeconds.flatMap((think): Row[] => [
      { scenario: '3', measure: `/mon-compte, ${pageConnections} users thinking ${think} s between clicks: p99`, unit: 'ms', values: by((r) => done(r.myAccountPageUsers[think])?.p99), target: { op: '<', value: 20 } },
      { scenario: '3', measure: '… requests /s', unit: '/s', values: by((r) => done(r.myAccountPageUsers[think])?.perSecond) },
    ]),
    // Saturation, not users: 100 connections firing back to back queue behind each other.
    { scenario: '3', measure: `/mon-compte, ${pageConnections} connections back to back (saturation): requests /s`, unit: '/s', values: by((r) => r.myAccountPage?.perSecond) },
    { scenario: '3', measure: '… p99 latency (queueing: 100 ÷ throughput)', unit: 'ms', values: by((r) => r.myAccountPage?.p99) },
    { scenario: '3', measure: '… server CPU per request', unit: 'ms', values: by((r) => r.myAccountPage?.serverCpuMsEach) },
    { scenario: '3', measure: '… of which the main thread', unit: 'ms', values: by((r) => r.myAccountPage?.mainThreadCpuMsEach) },
  ]
  for (const request of [...consoleRequests, ...nationalConsoleRequests]) {
    const target = consoleRequests.includes(request) ? { op: '<' as const, value: 25 } : undefined
    rows.push({ scenario: '4', measure: `/gestion ${request.name}: p95`, unit: 'ms', values: by((r) => done(r.console[request.name])?.p95), target })
    rows.push({ scenario: '4', measure: '… server CPU per request', unit: 'ms', values: by((r) => (done(r.console[request.name]) as Measured | undefined)?.serverCpuMsEach) })
  }
  rows.push(
    { scenario: '6', measure: `OIDC token endpoint, code exchange: /s (${pageConnections} connections)`, unit: '/s', values: by((r) => done(r.oidcToken)?.perSecond) },
    { scenario: '6', measure: '… p99 latency', unit: 'ms', values: by((r) => done(r.oidcToken)?.p99) },
    { scenario: '6', measure: '… server CPU per exchange', unit: 'ms', values: by((r) => r.oidcToken?.requests ? r.oidcToken.serverCpuMsEach : undefined) },
    { scenario: '6', measure: `OIDC userinfo: /s (${pageConnections} connections)`, unit: '/s', values: by((r) => done(r.oidcUserinfo)?.perSecond) },
    { scenario: '6', measure: '… p99 latency', unit: 'ms', values: by((r) => done(r.oidcUserinfo)?.p99) },
    { scenario: '6', measure: '… server CPU per request', unit: 'ms', values: by((r) => r.oidcUserinfo?.requests ? r.oidcUserinfo.serverCpuMsEach : undefined) },
  )
  rows.push(
    { scenario: '5', measure: 'RSS idle', unit: 'MiB', values: by((r) => r.rssIdleMiB), target: { op: '<', value: 200 } },
    { scenario: '5', measure: '… of which private (RssAnon)', unit: 'MiB', values: by((r) => r.rssIdleAnonymousMiB) },
    { scenario: '5', measure: '… of which mapped files (RssFile: node binary, ICU data, native modules)', unit: 'MiB', values: by((r) => r.rssIdleFilesMiB) },
    { scenario: '5', measure: 'RSS under scenario 2 (max)', unit: 'MiB', values: by((r) => r.rssLoadedMiB), target: { op: '<', value: 400 } },
    { scenario: '5', measure: 'start-up to /readyz, demo data, median', unit: 'ms', values: by((r) => r.startupMs?.length ? median(r.startupMs) : undefined), target: { op: '<', value: 1500, only: 'sqlite' } },
  )
  return rows
}

function machine () {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? os.cpus()[0]?.model
  return {
    cores,
    cpu,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30 * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  }
}

async function main () {
  const startedAt = new Date()
  const before = machine()
  log(`${quick ? 'QUICK run (indicative figures only)' : 'full run'} on ${before.cores} cores, ${before.cpu}, load ${before.loadAverage.join(' ')}`)
  log('building the application (npm run build)')
  buildApplication()
  const engines = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim()) as Engine[]
  const results: EngineResult[] = []
  for (const engine of engines) {
    if (engine === 'postgres' && !await isPostgresReachable()) {
      log('PostgreSQL is not reachable (BENCH_DATABASE_URL): skipped')
      continue
    }
    results.push(await benchEngine(engine))
  }
  const rows = rowsFor(results)
  console.log()
  printTable(rows, results.map((r) => r.engine))
  for (const r of results) {
    if (!r.profile) continue
    console.log(`\nCPU profile of the server's main thread (${r.engine}, ${r.profile.sampledSeconds.toFixed(0)} s, idle ${r.profile.idlePercent}%): ${r.profile.file}`)
    for (const f of r.profile.topFunctions) console.log(`  ${f.selfPercent.toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`)
    console.log('  by area:')
    for (const a of r.profile.byArea) console.log(`  ${a.selfPercent.toFixed(1).padStart(5)}%  ${a.name}`)
  }
  const unexpected = results.flatMap((r) => [
    ['login correct', r.loginCorrect], ['login wrong', r.loginWrong], ['code step', r.codeStep], ['/mon-compte', r.myAccountPage],
    ['OIDC token', r.oidcToken], ['OIDC userinfo', r.oidcUserinfo],
    ...Object.entries(r.myAccountPageUsers).map(([think, load]) => [`/mon-compte users thinking ${think} s`, load]),
    ...Object.entries(r.console).map(([name, load]) => [`console ${name}`, load]),
  ].filter(([, load]) => load && ((load as LoadResult).unexpected > 0 || (load as LoadResult).errors > 0 || (load as LoadResult).requests === 0))
    .map(([name, load]) => `${r.engine} ${name as string}: ${JSON.stringify((load as LoadResult).statuses)}, errors ${(load as LoadResult).errors}`))
  if (unexpected.length) console.log(`\nUnexpected answers (the figures above are not valid for these):\n  ${unexpected.join('\n  ')}`)

  const report = { startedAt: startedAt.toISOString(), quick, settings, machine: before, loadAverageAtEnd: machine().loadAverage, rows, results, unexpected }
  const dir = path.resolve(import.meta.dirname, 'results')
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`)
  fs.writeFileSync(file, JSON.stringify(report, null, 2))
  fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(report, null, 2))
  console.log(`\nResults: ${path.relative(process.cwd(), file)}`)
  if (unexpected.length) process.exitCode = 1
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
