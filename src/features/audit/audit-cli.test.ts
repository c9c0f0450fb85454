/**
 * The audit and review commands for cron (the guide's presentation, « revue périodique des droits d’accès »): verify-audit names the first broken event,
 * purge-audit keeps the chain verifiable, daily-tasks runs the purge and the review emails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, testEngine, TestClock, type TestDatabase } from '../../../test/helpers/test-app.ts'
import { runCli, exitCodes } from '../../cli.ts'
import { openDatabase } from '../../kernel/db/database.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'

describe(`audit commands (${testEngine})`, () => {
  let database: TestDatabase
  const clock = new TestClock()
  const out: string[] = []
  const err: string[] = []
  const run = (...args: string[]) => runCli(args, {
    env: { NODE_ENV: 'test', DEMO_DATA: 'false', ...database.env }, out: (l) => out.push(l), err: (l) => err.push(l),
    readPassword: async () => undefined, now: clock.now,
  })

  beforeAll(async () => { database = await createTestDatabase() })
  afterAll(async () => { await database?.drop() })

  it('verifies, purges, then names an edited event', async () => {
    expect(await run('migrate')).toBe(exitCodes.ok)
    const handle = openDatabase({ databaseUrl: database.env.DATABASE_URL, sqliteFile: database.env.SQLITE_FILE ?? '' })
    try {
      for (let i = 0; i < 3; i++) await handle.db.transaction().execute((tx) => recordEvent(tx, { type: 'test.event', details: { i } }, clock.now()))
      // Written as a server writes them: not sealed yet, reported and not counted as verified.
      expect(await run('verify-audit')).toBe(exitCodes.ok)
      expect(out.at(-1)).toBe('Journal d’audit intact : 0 événement scellé vérifié. 3 événements récents ne sont pas encore scellés (non vérifiés).')
      // Any other command seals what is pending before it exits (as a running server would).
      expect(await run('purge-expired')).toBe(exitCodes.ok)
      expect(await run('verify-audit')).toBe(exitCodes.ok)
      expect(out.at(-1)).toBe('Journal d’audit intact : 3 événements scellés vérifiés.')
      clock.advance(400 * 24 * 3600 * 1000)
      expect(await run('daily-tasks')).toBe(exitCodes.ok)
      expect(out.join('\n')).toContain('3 événements antérieurs')
      expect(out.join('\n')).toContain('Revue des droits : 0 email')
      expect(await run('verify-audit')).toBe(exitCodes.ok)
      await handle.db.updateTable('audit_event').set({ outcome: 'failure' }).where('type', '=', 'audit.purged').execute()
      expect(await run('verify-audit')).toBe(exitCodes.failed)
      expect(err.at(-1)).toMatch(/premier maillon rompu à l’événement scellé n° 4 \(content altered\)/)
    } finally {
      await handle.close()
    }
  })
})
