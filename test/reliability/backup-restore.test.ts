/**
 * Backups of the embedded database (`npm run cli -- backup FILE` / `restore FILE`): a copy taken
 * while a real server process serves logins is consistent (the audit chain verifies), restores
 * into a fresh directory, and a server started on it lets people log in. A restore is refused
 * while a process has the database open, and allowed again once it is gone, even killed.
 *
 * SQLite only: PostgreSQL is backed up with pg_dump (docs/deployment.md).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine } from '../helpers/test-app.ts'
import { createAccount, createTwoHospitals, testPassword } from '../helpers/fixtures.ts'
import { codeIn, emailsTo } from '../helpers/mailbox.ts'
import { HttpClient, startServer, waitFor, type ServerProcess } from '../helpers/processes.ts'
import { runCli, exitCodes } from '../../src/cli.ts'
import { openDatabase, type DatabaseHandle } from '../../src/kernel/db/database.ts'

const accounts = Array.from({ length: 6 }, (_, i) => `sauvegarde.${i}@chu-a.fr`)

describe.skipIf(testEngine !== 'sqlite')('backup and restore of the SQLite database', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bamara-backup-'))
  const liveFile = path.join(dir, 'live', 'bamara.sqlite')
  const backupFile = path.join(dir, 'sauvegarde.sqlite')
  const freshFile = path.join(dir, 'neuf', 'bamara.sqlite')
  const servers: ServerProcess[] = []
  const output: string[] = []

  const cli = (file: string, ...args: string[]) => runCli(args, {
    env: { NODE_ENV: 'test', DEMO_DATA: 'false', SQLITE_FILE: file },
    out: (line) => output.push(line), err: (line) => output.push(line),
    readPassword: async () => undefined, now: Date.now,
  })

  /** Password, then the code read from the outbox of `db` (the dev mailbox keeps it). */
  async function logIn (server: ServerProcess, db: DatabaseHandle, email: string): Promise<number> {
    const browser = new HttpClient(server.baseUrl)
    const before = (await emailsTo(db.db, email)).length
    const passwordStep = await browser.post('/connexion', { email, password: testPassword })
    if (passwordStep.status !== 303) return passwordStep.status
    const code = (await emailsTo(db.db, email)).slice(before).find((e) => e.template === 'oneTimeCode')
    if (!code) throw new Error(`no code for ${email}`)
    return (await browser.post('/connexion/code', { code: codeIn(code) })).status
  }

  beforeAll(async () => {
    const seed = await buildTestApp({ database: { env: { SQLITE_FILE: liveFile }, drop: async () => {} } })
    const { a } = await createTwoHospitals(seed.db)
    for (const email of accounts) await createAccount(seed.db, { email, siteIds: [a.siteIds[0] as string] })
    await seed.close()
  }, 60_000)

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')))
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('copies the database while logins run, restores it into a fresh directory, and the copy serves logins with an intact audit chain', async () => {
    const live = await startServer({ SQLITE_FILE: liveFile })
    servers.push(live)
    const reader = openDatabase({ sqliteFile: liveFile })
    try {
      let logins = 0
      let inFlight = 0
      let stop = false
      const load = Promise.all(accounts.map(async (email) => {
        while (!stop) {
          inFlight++
          expect(await logIn(live, reader, email)).toBe(303)
          inFlight--
          logins++
        }
      }))
      await waitFor(() => logins >= accounts.length, { timeout: 60_000, what: 'logins before the backup' })
      const loginsBefore = logins
      const inFlightAtStart = inFlight
      const started = Date.now()
      expect(await cli(liveFile, 'backup', backupFile)).toBe(exitCodes.ok)
      const backupMs = Date.now() - started
      await waitFor(() => logins >= loginsBefore + accounts.length, { timeout: 60_000, what: 'logins after the backup' })
      stop = true
      await load
      // The copy was taken in the middle of the load: logins before it, in flight, and after it.
      expect(loginsBefore).toBeGreaterThan(0)
      expect(inFlightAtStart).toBeGreaterThan(0)
      expect(logins).toBeGreaterThan(loginsBefore)
      expect(output.at(-1)).toMatch(/^Sauvegarde écrite : .*sauvegarde\.sqlite \(\d+ octets\)\.$/)
      expect(fs.existsSync(`${backupFile}-wal`)).toBe(false)
      console.info(`backup under login load: ${backupMs} ms, ${fs.statSync(backupFile).size} bytes, ${inFlightAtStart} logins in flight at its start, ${logins} in all`)

      // A backup never overwrites another.
      expect(await cli(liveFile, 'backup', backupFile)).toBe(exitCodes.failed)
      expect(output.at(-1)).toMatch(/existe déjà/)

      // Refused while the server has the database open; nothing changed.
      const sizeBefore = fs.statSync(liveFile).size
      expect(await cli(liveFile, 'restore', backupFile)).toBe(exitCodes.failed)
      expect(output.at(-1)).toMatch(/^Restauration refusée : un processus utilise .*bamara\.sqlite/)
      expect(fs.statSync(liveFile).size).toBe(sizeBefore)
      expect(fs.readdirSync(path.dirname(liveFile)).filter((name) => name.includes('restauration'))).toEqual([])
      expect(await logIn(live, reader, accounts[0] as string)).toBe(303)
    } finally {
      await reader.close()
    }

    expect(await cli(freshFile, 'restore', backupFile)).toBe(exitCodes.ok)
    expect(output.join('\n')).toMatch(/Base restaurée depuis/)
    const restored = await startServer({ SQLITE_FILE: freshFile })
    servers.push(restored)
    expect(await cli(freshFile, 'verify-audit')).toBe(exitCodes.ok)
    // The copy was taken mid-traffic: its last events may not be sealed yet (reported, not a fault).
    expect(output.at(-1)).toMatch(/^Journal d’audit intact : \d+ événements? scellés? vérifiés?\.( \d+ événements? récents? .* \(non vérifiés\)\.)?$/)
    const freshReader = openDatabase({ sqliteFile: freshFile })
    try {
      for (const email of accounts.slice(0, 2)) expect(await logIn(restored, freshReader, email)).toBe(303)
    } finally {
      await freshReader.close()
    }
    expect(await restored.stop()).toBe(0)
    expect(await live.stop()).toBe(0)
  }, 180_000)

  it('restores over a database once its server is gone, even killed, and keeps the replaced file', async () => {
    // (A server left running by a failed test above would hold the file: this test would say so wrongly.)
    await Promise.all(servers.map((server) => server.stop()))
    const server = await startServer({ SQLITE_FILE: liveFile })
    servers.push(server)
    expect(await cli(liveFile, 'restore', backupFile)).toBe(exitCodes.failed)
    // The operating system drops a killed process's locks: no stale « in use » is left behind.
    expect(await server.stop('SIGKILL')).toBeNull()
    expect(await cli(liveFile, 'restore', backupFile), output.at(-1)).toBe(exitCodes.ok)
    const kept = fs.readdirSync(path.dirname(liveFile)).filter((name) => name.includes('avant-restauration'))
    expect(kept).toHaveLength(1)
    expect(fs.existsSync(`${liveFile}-wal`)).toBe(false)
    expect(await cli(liveFile, 'verify-audit')).toBe(exitCodes.ok)
  }, 120_000)

  it('refuses what is not a database of this application, and changes nothing', async () => {
    const notDatabase = path.join(dir, 'texte.sqlite')
    fs.writeFileSync(notDatabase, 'pas une base\n'.repeat(100))
    expect(await cli(freshFile, 'restore', notDatabase)).toBe(exitCodes.failed)
    expect(output.at(-1)).toMatch(/^Restauration refusée : .* — fichier illisible comme base SQLite/)
    expect(await cli(freshFile, 'restore', path.join(dir, 'absent.sqlite'))).toBe(exitCodes.failed)
    expect(output.at(-1)).toMatch(/fichier introuvable/)
    expect(await cli(freshFile, 'verify-audit')).toBe(exitCodes.ok)
    expect(await cli(freshFile, 'backup')).toBe(exitCodes.usage)
  })
})
