/**
 * Builds the real app for a test file: a fresh database (SQLite file, or a new PostgreSQL
 * database when TEST_DB=postgres), a controllable clock, the dev mailbox (the outbox keeps the
 * bodies, and tests read the emails from it).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { FastifyInstance } from 'fastify'
import { buildApp, type BuildOptions } from '../../src/app.ts'
import { loadConfig, type AppConfig, type Rules } from '../../src/config.ts'
import type { Db } from '../../src/kernel/db/database.ts'

export const testEngine: 'sqlite' | 'postgres' = process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite'

export class TestClock {
  constructor (public current = Date.UTC(2026, 10, 27, 9, 0, 0)) {}
  now = () => this.current
  advance (ms: number) { this.current += ms }
}

/**
 * Real time, moved forward on demand: for an app beside a library that reads the real time
 * itself (the OpenID provider: its tokens' exp, auth_time), so both see the same instants.
 */
export class RunningClock extends TestClock {
  private offset = 0
  constructor () { super(Date.now()) }
  override now = () => Date.now() + this.offset
  override advance (ms: number) { this.offset += ms }
}

export interface TestDatabase { env: Record<string, string>; drop: () => Promise<void> }

/** A brand-new empty database for one app (or several instances sharing it). */
export async function createTestDatabase (): Promise<TestDatabase> {
  const name = `bamara_t_${process.pid}_${randomBytes(4).toString('hex')}`
  if (testEngine === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bamara-'))
    return {
      env: { SQLITE_FILE: path.join(dir, `${name}.sqlite`) },
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    }
  }
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    env: { DATABASE_URL: url.toString() },
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}

export function testConfig (env: Record<string, string> = {}, rules: Partial<Rules> = {}): AppConfig {
  const config = loadConfig({ NODE_ENV: 'test', APP_BASE_URL: 'http://bamara.test', DEMO_DATA: 'false', ...env })
  return { ...config, rules: { ...config.rules, ...rules } }
}

export interface TestApp {
  app: FastifyInstance
  db: Db
  clock: TestClock
  config: AppConfig
  close: () => Promise<void>
}

export interface TestAppOptions extends BuildOptions {
  env?: Record<string, string>
  rules?: Partial<Rules>
  clock?: TestClock
  database?: TestDatabase
}

export async function buildTestApp (options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? await createTestDatabase()
  const clock = options.clock ?? new TestClock()
  const config = testConfig({ ...database.env, ...options.env }, options.rules)
  const app = await buildApp(config, { startMailDispatcher: false, startDailyTasks: false, startAuditSealer: false, backgroundCheckpoints: false, ...options, now: clock.now })
  await app.ready()
  return {
    app,
    db: app.db,
    clock,
    config,
    close: async () => {
      await app.close()
      if (!options.database) await database.drop()
    },
  }
}
