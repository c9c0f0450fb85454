/**
 * SQLite's write-ahead log checkpointed by a worker thread (checkpointer.ts), not by the requests'
 * commits: the log's pages reach the database file without the app's connection doing it.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import SQLite from 'better-sqlite3'
import { openDatabase, type DatabaseHandle } from './database.ts'

describe('write-ahead log checkpoints in the background (SQLite)', () => {
  let handle: DatabaseHandle | undefined
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bamara-wal-'))
  afterEach(async () => { await handle?.close() })
  const autocheckpointOf = async (opened: DatabaseHandle) =>
    (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(opened.db)).rows[0]?.wal_autocheckpoint
  const walSize = (file: string) => fs.statSync(`${file}-wal`).size

  async function writeFourMegabytes (file: string, backgroundCheckpoints: boolean) {
    handle = openDatabase({ sqliteFile: file, backgroundCheckpoints })
    await sql`create table filler (id integer primary key, body text not null)`.execute(handle.db)
    const body = 'x'.repeat(4000)
    for (let i = 0; i < 1000; i++) await sql`insert into filler (body) values (${body})`.execute(handle.db)
    return handle
  }

  it('once the log has grown, leaves it to the worker: the connection stops checkpointing, the database file still fills', async () => {
    const file = path.join(dir, 'background.sqlite')
    const written = await writeFourMegabytes(file, true)
    const { db } = written
    for (let i = 0; i < 50 && await autocheckpointOf(written) !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await autocheckpointOf(written)).toBe(0)
    const before = fs.statSync(file).size
    const body = 'y'.repeat(4000)
    for (let i = 0; i < 1000; i++) await sql`insert into filler (body) values (${body})`.execute(db)
    // Within a few of the worker's ticks, the new pages are in the database file.
    for (let i = 0; i < 50 && fs.statSync(file).size < before + 4_000_000; i++) await new Promise((resolve) => setTimeout(resolve, 100))
    expect(fs.statSync(file).size).toBeGreaterThan(before + 4_000_000)
  })

  it('without it (command line, tests), or while the log stays small, the connection checkpoints as SQLite does by default', async () => {
    const file = path.join(dir, 'foreground.sqlite')
    expect(await autocheckpointOf(await writeFourMegabytes(file, false))).toBe(1000)
  })

  it('empties a large log left by another connection before serving, and starts no worker for it', async () => {
    const file = path.join(dir, 'leftover.sqlite')
    const other = await writeFourMegabytes(file, false)
    handle = undefined
    try {
      expect(walSize(file)).toBeGreaterThan(2 * 1024 * 1024)
      handle = openDatabase({ sqliteFile: file, backgroundCheckpoints: true })
      expect(walSize(file)).toBe(0)
      expect((await sql<{ n: number }>`select count(*) as n from filler`.execute(handle.db)).rows[0]?.n).toBe(1000)
      await new Promise((resolve) => setTimeout(resolve, 1500))
      expect(await autocheckpointOf(handle)).toBe(1000)
    } finally {
      await other.close()
    }
  })

  it('never waits for a connection that is reading: the log stays, and the worker takes it', async () => {
    const file = path.join(dir, 'busy.sqlite')
    const writer = await writeFourMegabytes(file, false)
    handle = undefined
    const reader = new SQLite(file)
    const rows = reader.prepare('select id from filler').iterate()
    rows.next()
    try {
      const started = performance.now()
      handle = openDatabase({ sqliteFile: file, backgroundCheckpoints: true })
      expect(performance.now() - started).toBeLessThan(1000)
      expect(walSize(file)).toBeGreaterThan(2 * 1024 * 1024)
      for (let i = 0; i < 50 && await autocheckpointOf(handle) !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 100))
      expect(await autocheckpointOf(handle)).toBe(0)
    } finally {
      rows.return?.()
      reader.close()
      await writer.close()
    }
  })
})
