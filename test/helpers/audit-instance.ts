/**
 * One instance of the service as far as the audit trail is concerned, in its own process: it
 * writes `AUDIT_EVENTS` events (ten transactions at a time) while its sealer runs every 20 ms,
 * then stops the sealer and exits. Used by the several-instances test of the sealed trail
 * (features/audit/audit-sealing.test.ts) on the database named by SQLITE_FILE or DATABASE_URL.
 */
import { openDatabase } from '../../src/kernel/db/database.ts'
import { recordEvent } from '../../src/kernel/audit/audit-trail.ts'
import { AuditSealer } from '../../src/kernel/audit/audit-seal.ts'

const handle = openDatabase({ databaseUrl: process.env.DATABASE_URL, sqliteFile: process.env.SQLITE_FILE ?? '' })
const count = Number(process.env.AUDIT_EVENTS ?? '100')
const sealer = new AuditSealer({ db: handle.db, now: Date.now, interval: 20, onError: (error) => { console.error(error); process.exitCode = 1 } })
sealer.start()
let next = 0
async function writer () {
  while (next < count) {
    const i = next++
    // Role and hospital given: the transaction's first statement is the insert (SQLite takes
    // its write lock at once, as the other process's transactions do).
    await handle.db.transaction().execute((tx) => recordEvent(tx, {
      type: 'test.instance', actorRole: 'cli', hospitalId: null, details: { pid: process.pid, i },
    }, Date.now()))
  }
}
await Promise.all(Array.from({ length: 10 }, writer))
await sealer.stop()
await handle.close()
