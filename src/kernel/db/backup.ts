/**
 * Backups of the embedded database (`npm run cli -- backup FILE` / `restore FILE`). PostgreSQL
 * has its own tools (pg_dump / pg_restore, docs/deployment.md).
 *
 * A backup is SQLite's online backup API (better-sqlite3's `backup()`): a consistent copy taken
 * while the server keeps serving. It reads in one step after a first small one, so writes by the
 * server in between do not make it start over again and again; the copy is then made a
 * self-contained file (rollback journal, no -wal beside it) and checked.
 *
 * A restore refuses while a process has the database open. How it knows: the server opens the
 * file in WAL mode and keeps its connection for its whole life; every connection to a WAL
 * database holds a shared lock on it (on the -shm file) until it closes, and SQLite grants
 * `locking_mode = EXCLUSIVE` with `BEGIN EXCLUSIVE` only to a connection that is alone. The
 * operating system drops the locks of a process that dies, so a killed server never leaves a
 * stale "in use" behind (unlike a pid or lock file), and nothing needs to write a heartbeat.
 * The restore keeps that exclusive connection while it swaps the files, so no server can open
 * the old file meanwhile. (Same machine and a local file system only, as SQLite itself requires.)
 */
import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'

export type BackupOutcome =
  | { outcome: 'done'; bytes: number }
  | { outcome: 'noDatabase' }
  | { outcome: 'destinationExists' }

/** Copies the live database `sqliteFile` to `destination` (which must not exist yet). */
export async function backupSqliteDatabase (sqliteFile: string, destination: string): Promise<BackupOutcome> {
  if (!fs.existsSync(sqliteFile)) return { outcome: 'noDatabase' }
  if (fs.existsSync(destination)) return { outcome: 'destinationExists' }
  const partial = `${destination}.partiel`
  fs.rmSync(partial, { force: true })
  const source = new SQLite(sqliteFile, { fileMustExist: true })
  try {
    source.pragma('busy_timeout = 5000')
    // Everything in one step (better-sqlite3 asks after a first empty one): one read transaction, so
    // the server's writes meanwhile cannot restart the copy (WAL readers do not block writers).
    await source.backup(partial, { progress: () => 0x7fffffff })
  } finally {
    source.close()
  }
  const copy = new SQLite(partial, { fileMustExist: true })
  try {
    copy.pragma('journal_mode = DELETE')
    const check = copy.pragma('quick_check', { simple: true })
    if (check !== 'ok') throw new Error(`copie incohérente (${String(check)})`)
  } finally {
    copy.close()
  }
  fs.renameSync(partial, destination)
  return { outcome: 'done', bytes: fs.statSync(destination).size }
}

export type RestoreOutcome =
  | { outcome: 'restored'; previousFile: string | undefined }
  | { outcome: 'inUse' }
  | { outcome: 'invalidBackup'; reason: string }

/**
 * Puts the backup `backupFile` in place of `sqliteFile`, keeping the replaced database beside it
 * (`….avant-restauration-<date>`). Refused while a process has `sqliteFile` open, and for a file
 * that is not a sound database of this application (`knownMigrations`: a backup made by a newer
 * version would not start).
 */
export function restoreSqliteDatabase (backupFile: string, sqliteFile: string, knownMigrations: readonly string[], now: number): RestoreOutcome {
  if (!fs.existsSync(backupFile)) return { outcome: 'invalidBackup', reason: 'fichier introuvable' }
  fs.mkdirSync(path.dirname(sqliteFile), { recursive: true })
  const incoming = `${sqliteFile}.restauration`
  fs.rmSync(incoming, { force: true })
  fs.copyFileSync(backupFile, incoming)
  const problem = checkBackup(incoming, knownMigrations)
  if (problem) {
    fs.rmSync(incoming, { force: true })
    return { outcome: 'invalidBackup', reason: problem }
  }

  if (!fs.existsSync(sqliteFile)) {
    fs.renameSync(incoming, sqliteFile)
    return { outcome: 'restored', previousFile: undefined }
  }
  const current = new SQLite(sqliteFile, { fileMustExist: true, timeout: 0 })
  try {
    try {
      current.pragma('locking_mode = EXCLUSIVE')
      current.exec('BEGIN EXCLUSIVE')
      current.exec('COMMIT')
      // Alone on it: its WAL is folded into the file and removed, so no -wal of the old
      // database is left to be replayed onto the restored one.
      current.pragma('journal_mode = DELETE')
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
        fs.rmSync(incoming, { force: true })
        return { outcome: 'inUse' }
      }
      throw error
    }
    const previousFile = `${sqliteFile}.avant-restauration-${new Date(now).toISOString().replace(/[:.]/g, '-')}`
    fs.renameSync(sqliteFile, previousFile)
    for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${sqliteFile}${suffix}`, { force: true })
    fs.renameSync(incoming, sqliteFile)
    return { outcome: 'restored', previousFile }
  } finally {
    current.close()
  }
}

/** Why `file` cannot be restored, or undefined when it is a sound database of this application. */
function checkBackup (file: string, knownMigrations: readonly string[]): string | undefined {
  let database: SQLite.Database | undefined
  try {
    database = new SQLite(file, { fileMustExist: true })
    database.pragma('journal_mode = DELETE')
    const check = database.pragma('integrity_check', { simple: true })
    if (check !== 'ok') return `base endommagée (${String(check)})`
    const table = database.prepare("select name from sqlite_master where type = 'table' and name = 'kysely_migration'").get()
    if (!table) return 'ce n’est pas une base de BaMaRa (aucune migration)'
    const applied = (database.prepare('select name from kysely_migration').all() as Array<{ name: string }>).map((row) => row.name)
    const unknown = applied.filter((name) => !knownMigrations.includes(name))
    if (unknown.length > 0) return `sauvegarde d’une version plus récente (migrations inconnues : ${unknown.join(', ')})`
    return undefined
  } catch (error) {
    return `fichier illisible comme base SQLite (${error instanceof Error ? error.message : String(error)})`
  } finally {
    database?.close()
  }
}
