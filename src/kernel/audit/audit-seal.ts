/**
 * The audit trail's sealer: chains the events that audited transactions wrote (audit-trail.ts)
 * once they are committed, so that no audited transaction waits for another (several instances
 * and the command line write at once). Each sealed event takes the next place after the chain's
 * head, and its hash covers its content and the previous event's hash: editing, removing or
 * moving a sealed event breaks the chain, which features/audit verifies.
 *
 * The chain's order is the order of sealing. On PostgreSQL an event can commit after an event
 * written later was sealed: it simply takes the next free place.
 *
 * Every instance runs a sealer; the head row holds a lease so that one of them seals at a time
 * (an instance that dies lets another take over when its lease expires). Sealing itself happens
 * under the head's row lock, so even two sealers that both think they hold the lease (a forced
 * seal from the command line, a purge) cannot give two events the same place.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { chainHash } from './audit-trail.ts'

/**
 * Events sealed per transaction (one statement updates them all). On SQLite the sealing
 * transaction holds the one connection: small batches keep requests from waiting behind it.
 */
const batchSize = 200

/** Who seals: an instance with its lease, or `force` (the retention purge, the command line). */
export type Sealer = { holder: string; now: number; leaseMs: number } | 'force'

/** Seals every committed event not sealed yet; returns how many (0 if another instance holds the lease). */
export async function sealAuditEvents (db: Db, sealer: Sealer = 'force'): Promise<number> {
  let sealed = 0
  for (;;) {
    const count = await db.transaction().execute((tx) => sealPendingEvents(tx, sealer))
    sealed += count
    if (count < batchSize) return sealed
  }
}

/** One batch, inside the caller's transaction (which then holds the head's row lock). */
export async function sealPendingEvents (tx: Db, sealer: Sealer = 'force'): Promise<number> {
  const head = await takeHead(tx, sealer)
  if (!head) return 0
  const pending = await tx.selectFrom('audit_event')
    .select(['id', 'at', 'type', 'actor_id', 'actor_role', 'target_id', 'hospital_id', 'ip', 'user_agent', 'outcome', 'details'])
    .where('chain_seq', 'is', null)
    .orderBy('seq')
    .limit(batchSize)
    .execute()
  if (pending.length === 0) return 0
  let previous = { seq: Number(head.seq), hash: head.hash }
  const links = pending.map((event) => {
    const seq = previous.seq + 1
    const hash = chainHash({ ...event, seq, previous_hash: previous.hash })
    const link = { id: event.id, seq, previousHash: previous.hash, hash }
    previous = { seq, hash }
    return link
  })
  // Joined on the primary key (the head's lock already keeps the rows unsealed meanwhile).
  await sql`
    with sealed (id, chain_seq, chain_previous_hash, chain_hash) as (
      values ${sql.join(links.map((l) => sql`(${l.id}, cast(${l.seq} as bigint), ${l.previousHash}, ${l.hash})`))}
    )
    update audit_event
    set chain_seq = sealed.chain_seq, chain_previous_hash = sealed.chain_previous_hash, chain_hash = sealed.chain_hash
    from sealed
    where audit_event.id = sealed.id`.execute(tx)
  await tx.updateTable('audit_chain_head').set({ seq: previous.seq, hash: previous.hash }).where('id', '=', 1).execute()
  return links.length
}

/**
 * Locks the head row and reads it; with a lease, only if the lease is free, this holder's, or
 * expired (and then takes or extends it). On PostgreSQL a second sealer waits for the first's
 * commit, then reads the head (and the events) as the first left them.
 */
async function takeHead (tx: Db, sealer: Sealer) {
  let update = tx.updateTable('audit_chain_head').where('id', '=', 1)
  if (sealer === 'force') {
    return update.set((eb) => ({ seq: eb.ref('seq') })).returning(['seq', 'hash']).executeTakeFirstOrThrow()
  }
  update = update.where((eb) => eb.or([
    eb('sealer', 'is', null),
    eb('sealer', '=', sealer.holder),
    eb('sealer_expires_at', '<', sealer.now),
  ]))
  return update.set({ sealer: sealer.holder, sealer_expires_at: sealer.now + sealer.leaseMs }).returning(['seq', 'hash']).executeTakeFirst()
}

/** The events not sealed yet (verify-audit reports them) and when the oldest was written (the metrics). */
export async function readUnsealedEvents (db: Db): Promise<{ events: number; oldestAt: number | null }> {
  const row = await db.selectFrom('audit_event')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('at').as('oldest')])
    .where('chain_seq', 'is', null)
    .executeTakeFirstOrThrow()
  return { events: Number(row.count), oldestAt: row.oldest === null ? null : Number(row.oldest) }
}

export interface AuditSealerOptions {
  db: Db
  now: () => number
  /** How often this instance seals (ms); events wait at most about this long unsealed. */
  interval?: number
  onError?: (error: unknown) => void
}

/** The in-process sealer of one instance: seals every `interval`, and once more when stopped. */
export class AuditSealer {
  private readonly holder = randomUUID()
  private timer: NodeJS.Timeout | undefined
  private running: Promise<unknown> = Promise.resolve()
  private readonly interval: number

  constructor (private readonly options: AuditSealerOptions) {
    this.interval = options.interval ?? 1000
  }

  /** Seals at once (what a stopped or killed instance left), then every `interval`. */
  start (): void {
    if (this.timer) return
    this.timer = setInterval(() => { void this.sealNow() }, this.interval).unref()
    void this.sealNow()
  }

  /** Seals what is pending if this instance holds (or can take) the lease. */
  sealNow (): Promise<number> {
    const run = this.running.then(() => sealAuditEvents(this.options.db, this.lease()))
      .catch((error: unknown) => { this.options.onError?.(error); return 0 })
    this.running = run
    return run
  }

  /** Stops, seals what this instance's requests wrote, and gives the lease back. */
  async stop (): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    await this.sealNow()
    await this.options.db.updateTable('audit_chain_head')
      .set({ sealer: null, sealer_expires_at: null })
      .where('id', '=', 1).where('sealer', '=', this.holder)
      .execute()
      .catch((error: unknown) => this.options.onError?.(error))
  }

  private lease (): Sealer {
    // Ten intervals: a holder that stops sealing (killed, frozen) is replaced within seconds.
    return { holder: this.holder, now: this.options.now(), leaseMs: this.interval * 10 }
  }
}
