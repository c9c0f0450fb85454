/**
 * The one query layer: Kysely over better-sqlite3 (embedded default) or pg (production).
 * Everything above this module is written once for both engines; what must differ lives in
 * `dialect.ts`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import SQLite from 'better-sqlite3'
import type pg from 'pg'
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely'
import type { Database } from './schema.ts'
import { checkpointInBackground } from './checkpointer.ts'
import { preparedStatementName } from './compiled.ts'
import { withPragma } from './sqlite-pragma.ts'

export type Db = Kysely<Database>
export type Engine = 'sqlite' | 'postgres'

/**
 * pg, read from node_modules when a PostgreSQL database is opened (an SQLite instance never loads
 * it; scripts/build.mjs leaves it out of the bundle).
 */
function loadPg (): typeof pg {
  const loaded = createRequire(import.meta.url)('pg') as typeof pg
  // pg returns bigint (our instants, counts) as strings; every one of ours fits in a double.
  loaded.types.setTypeParser(loaded.types.builtins.INT8, (value) => Number(value))
  return loaded
}

export interface DatabaseHandle {
  db: Db
  engine: Engine
  close: () => Promise<void>
  /** PostgreSQL: connections checked out of the pool and queries waiting for one (for the metrics). */
  poolUsage?: () => { inUse: number; waiting: number }
}

export interface DatabaseOptions {
  databaseUrl?: string
  sqliteFile: string
  /** SQLite: checkpoint the write-ahead log from a worker thread, not in requests (the server; checkpointer.ts). */
  backgroundCheckpoints?: boolean
}

export function openDatabase (options: DatabaseOptions): DatabaseHandle {
  if (options.databaseUrl) {
    const pool = new (loadPg()).Pool({ connectionString: options.databaseUrl, max: 10, connectionTimeoutMillis: 5000 })
    // An idle client losing its connection (database restart) must not crash the process.
    pool.on('error', () => {})
    // Nor a checked-out client losing it between two queries (e.g. in a transaction): the
    // query in progress, or the next one, fails and the request gets a 503.
    pool.on('connect', (client) => {
      client.on('error', () => {})
      preparingCompiledQueries(client)
    })
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    const poolUsage = () => ({ inUse: pool.totalCount - pool.idleCount, waiting: pool.waitingCount })
    return { db, engine: 'postgres', close: () => db.destroy(), poolUsage }
  }
  if (options.sqliteFile !== ':memory:') fs.mkdirSync(path.dirname(options.sqliteFile), { recursive: true })
  const database = new SQLite(options.sqliteFile)
  database.pragma('journal_mode = WAL')
  database.pragma('foreign_keys = ON')
  database.pragma('busy_timeout = 5000')
  database.pragma('synchronous = NORMAL')
  analyzeIfNeeded(database)
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) })
  const checkpointer = options.backgroundCheckpoints && options.sqliteFile !== ':memory:'
    ? checkpointInBackground(database, options.sqliteFile)
    : undefined
  return {
    db,
    engine: 'sqlite',
    close: async () => {
      await checkpointer?.stop()
      await db.destroy()
    },
  }
}

/**
 * Table statistics for the query planner (SQLite keeps none until asked): without them it
 * ignores covering indexes such as account_listing (docs/performance.md). 0x10002 analyzes,
 * with a bounded sample, only the tables that lack statistics or have grown since. The analysis
 * reads through a small page cache: better-sqlite3's is 16 MB per connection, and analyzing a
 * large database filled it at start with pages no request had asked for (idle memory +16 MiB
 * on the benchmark's 100,000 accounts); the requests' own reads fill it as they need.
 */
function analyzeIfNeeded (database: SQLite.Database): void {
  withPragma(database, 'cache_size', -1024, () => database.pragma('optimize = 0x10002'))
}

/**
 * PostgreSQL parses and plans an unnamed statement anew at every execution, on the database
 * server's CPU, which shares the machine with ours in small deployments and in the benchmark.
 * The hot paths' queries (compiledOnce) go as named prepared statements: parsed once per
 * connection, then only bound and executed, and planned once for all after a few executions when
 * PostgreSQL finds the generic plan as good (the code step at 100 connections: 285 → 399 logins
 * per second, docs/performance.md). Any other query goes as before. pg keeps the names a
 * connection has prepared; a new connection prepares them again.
 */
function preparingCompiledQueries (client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  client.query = ((text: unknown, ...rest: unknown[]) => {
    const name = typeof text === 'string' ? preparedStatementName(text) : undefined
    return name ? query({ name, text, values: rest[0] }) : query(text, ...rest)
  }) as typeof client.query
}

/**
 * better-sqlite3 compiles the SQL again on every `prepare`, and Kysely prepares every query it
 * runs: on the login's password step that compiling was 40% of the SQLite time (CPU profile,
 * docs/performance.md). Compiled statements are kept by their SQL text (Kysely's SQL is built
 * from the query's shape, values are bound parameters), at most `capacity` of them, the oldest
 * dropped first. Safe because Kysely runs one query at a time on the one connection; SQLite
 * recompiles a kept statement by itself after a schema change.
 */
function withStatementCache (database: SQLite.Database, capacity = 500) {
  const statements = new Map<string, SQLite.Statement>()
  return {
    close: () => { statements.clear(); database.close() },
    prepare (sqlText: string): SQLite.Statement {
      let statement = statements.get(sqlText)
      if (!statement) {
        statement = database.prepare(sqlText)
        if (statements.size >= capacity) statements.delete(statements.keys().next().value as string)
        statements.set(sqlText, statement)
      }
      return statement
    },
  }
}

/** True when the database answers a trivial query (readiness probe). */
export async function isDatabaseReachable (db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db)
    return true
  } catch {
    return false
  }
}

/** A unique-constraint violation, on either engine: a parallel request took the same key. */
export function isUniqueViolation (error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}
