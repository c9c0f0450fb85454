/**
 * A fresh, empty database per engine run: a temporary SQLite file, or a new PostgreSQL database
 * created on the server of `BENCH_DATABASE_URL` (default: the local one) and dropped after.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { openDatabase, type Db, type Engine } from '../../src/kernel/db/database.ts'

export type { Engine }
import type { ServerTarget } from './server.ts'

export interface BenchDatabase {
  engine: Engine
  target: ServerTarget
  /** The benchmark's own connection (seeding, sessions, challenges). */
  db: Db
  drop: () => Promise<void>
}

export const postgresAdminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export async function createDatabase (engine: Engine, open = true): Promise<BenchDatabase> {
  if (engine === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bamara-bench-'))
    const sqliteFile = path.join(dir, 'bench.sqlite')
    const handle = open ? openDatabase({ sqliteFile }) : undefined
    return {
      engine,
      target: { sqliteFile },
      db: handle?.db as Db,
      drop: async () => {
        await handle?.close()
        fs.rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  const name = `bamara_bench_${randomBytes(5).toString('hex')}`
  await adminQuery(`create database ${name}`)
  const url = new URL(postgresAdminUrl)
  url.pathname = `/${name}`
  const handle = open ? openDatabase({ databaseUrl: url.toString(), sqliteFile: '' }) : undefined
  return {
    engine,
    target: { databaseUrl: url.toString() },
    db: handle?.db as Db,
    drop: async () => {
      await handle?.close()
      await adminQuery(`drop database if exists ${name} with (force)`)
    },
  }
}

async function adminQuery (statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** Whether the PostgreSQL server answers (the suite skips PostgreSQL otherwise, saying so). */
export async function isPostgresReachable (): Promise<boolean> {
  try {
    await adminQuery('select 1')
    return true
  } catch {
    return false
  }
}
