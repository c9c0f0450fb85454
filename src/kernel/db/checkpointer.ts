/**
 * SQLite's write-ahead log is copied back into the database file by checkpoints. By default the
 * connection that commits runs one whenever the log passes 1,000 pages: inside a request, on the
 * main thread (better-sqlite3 is synchronous), with its file writes and fsync, so every request
 * waits (the code step's p99 was 0.2–0.85 s under load: docs/performance.md). Once the log has
 * grown past `startAtBytes` (an instance that writes little never gets there and keeps SQLite's
 * default, without the memory of a thread), the server's connection stops checkpointing and a
 * worker thread, with a connection of its own, checkpoints every `interval` (PASSIVE: it never
 * waits for or blocks the writers and readers). If the worker stops for any reason, the
 * connection checkpoints by itself again.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type SQLite from 'better-sqlite3'
import { withPragma } from './sqlite-pragma.ts'

const script = `
const { workerData, parentPort } = require('node:worker_threads')
const Database = require(workerData.module)
const db = new Database(workerData.file)
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)') } catch {} }
const timer = setInterval(checkpoint, workerData.interval)
parentPort.once('message', () => {
  clearInterval(timer)
  checkpoint()
  db.close()
  parentPort.close()
})
`

export interface Checkpointer { stop: () => Promise<void> }

export function checkpointInBackground (database: SQLite.Database, file: string, options: { interval?: number; startAtBytes?: number } = {}): Checkpointer {
  const interval = options.interval ?? 1000
  const startAtBytes = options.startAtBytes ?? 2 * 1024 * 1024
  let worker: Worker | undefined
  let exited = Promise.resolve()
  let stopped = false

  function start () {
    worker = new Worker(script, {
      eval: true,
      workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), file, interval },
    })
    worker.unref()
    worker.on('error', () => {})
    database.pragma('wal_autocheckpoint = 0')
    exited = new Promise<void>((resolve) => worker?.once('exit', () => {
      if (!stopped && database.open) database.pragma('wal_autocheckpoint = 1000')
      resolve()
    }))
  }

  emptyLeftoverLog(database)
  const walBytes = () => { try { return fs.statSync(`${file}-wal`).size } catch { return 0 } }
  const watch = setInterval(() => { if (!worker && walBytes() >= startAtBytes) start() }, interval)
  watch.unref()
  return {
    stop: async () => {
      stopped = true
      clearInterval(watch)
      worker?.postMessage('stop')
      await exited
    },
  }
}

/**
 * A log left by an earlier run or by another connection's bulk write (an import, the
 * benchmark's seeding) is copied back and emptied before the first request: from then on its
 * size measures this instance's own writes, and the worker (~8 MiB of memory) starts only for an
 * instance that writes enough to need it, not for one that opened a database with a large log.
 * Never waits: while another connection reads, the log stays as it is (the worker then starts
 * as it did before).
 */
function emptyLeftoverLog (database: SQLite.Database): void {
  try {
    withPragma(database, 'busy_timeout', 0, () => database.pragma('wal_checkpoint(TRUNCATE)'))
  } catch {
    // Busy: left to the worker.
  }
}
