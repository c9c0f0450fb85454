/**
 * A setting of an SQLite connection changed for one piece of work, then put back as the
 * connection had it (at open: a small page cache for the statistics, no busy wait for the
 * leftover log's checkpoint).
 */
import type SQLite from 'better-sqlite3'

export function withPragma<T> (database: SQLite.Database, name: string, value: number, work: () => T): T {
  const own = database.pragma(name, { simple: true }) as number
  database.pragma(`${name} = ${value}`)
  try {
    return work()
  } finally {
    database.pragma(`${name} = ${own}`)
  }
}
