/**
 * Delivers the outbox. Each instance polls for due emails and claims one row at a time with one
 * conditional UPDATE (re-checked under the row lock on PostgreSQL), so several instances never
 * send the same email twice. A failure is retried with back-off, across restarts; after
 * `maximumAttempts` the email is marked failed and stays visible, never silently dropped.
 * Sent emails lose their bodies (they hold single-use links), except in the dev mailbox.
 */
import net from 'node:net'
import { createRequire } from 'node:module'
import type nodemailer from 'nodemailer'
import type { Transporter } from 'nodemailer'
import type { parseConnectionUrl } from 'nodemailer/lib/shared/index.js'
import type { Db } from '../db/database.ts'
import type { Database, OutboxRow } from '../db/schema.ts'
import { compiledOnce } from '../db/compiled.ts'
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely'
import { minutes, seconds, hours } from '../../config.ts'
import { countEmail } from '../metrics/metrics.ts'
import { addressOf, buildMime } from './mime.ts'

export interface DispatcherOptions {
  db: Db
  /** Undefined: the dev mailbox (emails stay readable in the outbox, nothing leaves the machine). */
  smtpUrl: string | undefined
  mailFrom: string
  now: () => number
  pollInterval?: number
  maximumAttempts?: number
  log: { warn: (o: object, msg: string) => void; error: (o: object, msg: string) => void }
}

const claimDuration = minutes(2)

/** Pending, its time come, and not claimed by a live instance. */
function isDue (at: number) {
  return (eb: ExpressionBuilder<Database, 'outbox'>) => eb.and([
    eb('status', '=', 'pending'),
    eb('next_attempt_at', '<=', at),
    eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]),
  ])
}

export function retryDelay (attempts: number): number {
  return Math.min(seconds(5) * 2 ** Math.max(0, attempts - 1), hours(1))
}

/**
 * SMTP_URL's transport, with three defaults measured in docs/performance.md:
 * - a pool of open connections (`?pool=false` in the URL turns it off), instead of a new
 *   connection and handshake per email;
 * - kept open for any number of emails (`?maxMessages=N` for a relay that limits them):
 *   nodemailer renews them after 100, and the login code that came next waited for the new
 *   connection, its TLS and the server's greeting, which servers may delay on purpose (100 ms
 *   for smtp-server: the password step's p99 150 → 100 ms in the benchmark);
 * - TCP_NODELAY on its sockets, which nodemailer leaves off: each SMTP command then waited for
 *   the server's delayed ACK (~40 ms on Linux), so one email took 44 ms on a pooled connection
 *   over loopback, 1 ms with it.
 * The socket is connected here and handed to nodemailer, which still does the TLS (implicit or
 * STARTTLS) and the SMTP dialogue itself.
 */
function createSmtpTransport (smtpUrl: string, mailFrom: string): Transporter {
  const { createTransport, parseUrl } = loadNodemailer()
  const options = parseUrl(smtpUrl) as ReturnType<typeof parseConnectionUrl> & { pool?: boolean }
  const timeout = options.connectionTimeout ?? 120_000
  return createTransport({
    pool: true,
    maxMessages: Infinity,
    ...options,
    getSocket: (socketOptions: { host?: string; port?: number; secure?: boolean }, callback: (error: Error | null, socket?: { connection: net.Socket }) => void) => {
      const port = Number(socketOptions.port) || (socketOptions.secure ? 465 : 587)
      const socket = net.connect({ host: socketOptions.host ?? 'localhost', port, noDelay: true })
      let connected = false
      socket.setTimeout(timeout, () => socket.destroy(new Error('SMTP connection timeout')))
      // Kept after the connection: nodemailer adds its own error handler, this one then ignores.
      socket.on('error', (error) => { if (!connected) callback(error) })
      socket.once('connect', () => {
        connected = true
        socket.setTimeout(0)
        callback(null, { connection: socket })
      })
    },
  } as Parameters<typeof nodemailer.createTransport>[0], { from: mailFrom })
}

/**
 * nodemailer is read from node_modules when the first email leaves, not at start (and not into
 * the bundle, scripts/build.mjs): an instance that has sent nothing does without it (start-up,
 * idle memory: docs/performance.md).
 */
function loadNodemailer () {
  const load = createRequire(import.meta.url)
  return {
    createTransport: (load('nodemailer') as typeof nodemailer).createTransport,
    parseUrl: (load('nodemailer/lib/shared/index.js') as { parseConnectionUrl: typeof parseConnectionUrl }).parseConnectionUrl,
  }
}

/**
 * Claims the email `id` names (a value, or a subquery for the next due) if it is still due. The
 * conditions are in the subquery (which row) and again in the outer WHERE: on PostgreSQL, an
 * instance that lost the race re-checks them on the row as the winner left it and claims nothing
 * (SQLite runs one writer at a time).
 */
function claimRow (db: Db, id: string | SelectQueryBuilder<Database, 'outbox', { id: string }>, at: number, claimedUntil: number) {
  return db.updateTable('outbox')
    .set((eb) => ({ claimed_until: claimedUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where(isDue(at))
    .returningAll()
}

// Both compiled once (compiled.ts): a login code's email is claimed by its id at every password
// step, and the poll claims the next due every few seconds.
const claimById = compiledOnce((db: Db, id: string, at: number, claimedUntil: number) => claimRow(db, id, at, claimedUntil))
const claimNextDue = compiledOnce((db: Db, at: number, claimedUntil: number) =>
  claimRow(db, db.selectFrom('outbox').select('id').where(isDue(at)).orderBy('next_attempt_at').limit(1), at, claimedUntil))

/** Sent emails lose their bodies, unless `keepBodies` is 1 (the dev mailbox). */
const markSent = compiledOnce((db: Db, id: string, at: number, keepBodies: number) => db.updateTable('outbox')
  .set({
    status: 'sent',
    sent_at: at,
    claimed_until: null,
    last_error: null,
    text_body: sql<string | null>`case when ${keepBodies} = 1 then text_body end`,
    html_body: sql<string | null>`case when ${keepBodies} = 1 then html_body end`,
  })
  .where('id', '=', id))

export class MailDispatcher {
  private smtp: Transporter | undefined
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private again = false
  private stopped = false

  constructor (private readonly options: DispatcherOptions) {}

  /** Undefined: the dev mailbox. The transport is made by the first email that leaves. */
  private get transport (): Transporter | undefined {
    const { smtpUrl, mailFrom } = this.options
    if (smtpUrl) this.smtp ??= createSmtpTransport(smtpUrl, mailFrom)
    return this.smtp
  }

  get keepsBodies () { return this.options.smtpUrl === undefined }

  start () {
    this.stopped = false
    const loop = () => {
      this.kick()
      this.timer = setTimeout(loop, this.options.pollInterval ?? seconds(2))
      this.timer.unref()
    }
    loop()
  }

  /** Delivers what is due now; called after a request queued an email, and by the poll. */
  kick (): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = this.deliverDue()
      .catch((error: unknown) => this.options.log.error({ err: error }, 'outbox delivery failed'))
      .finally(() => {
        this.running = undefined
        if (this.again && !this.stopped) {
          this.again = false
          void this.kick()
        }
      })
    return this.running
  }

  async stop () {
    this.stopped = true
    clearTimeout(this.timer)
    await this.running
    this.smtp?.close()
  }

  /**
   * Delivers one email just queued, now, without looking for others (a login code: the request
   * waits for it). If the poll or another instance claimed it first, that one sends it.
   */
  async deliverNow (id: string): Promise<void> {
    if (this.stopped) return
    const row = await this.claim(id).catch((error: unknown) => {
      this.options.log.error({ err: error }, 'outbox delivery failed')
      return undefined
    })
    if (row) await this.deliver(row)
  }

  /** Delivers every due email, one claim at a time; returns when none is left. */
  async deliverDue (): Promise<void> {
    for (;;) {
      const row = await this.claim()
      if (row) await this.deliver(row)
      // Nothing claimed: the queue is empty, or another instance won this row; then go on.
      else if (!await this.hasDueEmail()) return
    }
  }

  /** Claims one email in one statement if it is still due: the one named, or the next due (claimRow). */
  private async claim (id?: string): Promise<OutboxRow | undefined> {
    const { db, now } = this.options
    const at = now()
    return id ? await claimById.first(db, id, at, at + claimDuration) : await claimNextDue.first(db, at, at + claimDuration)
  }

  private async hasDueEmail (): Promise<boolean> {
    const at = this.options.now()
    const row = await this.options.db.selectFrom('outbox').select('id').where(isDue(at)).limit(1).executeTakeFirst()
    return row !== undefined
  }

  private async deliver (row: OutboxRow) {
    const { db, now } = this.options
    try {
      const transport = this.transport
      if (transport) {
        const { mailFrom } = this.options
        await transport.sendMail({
          envelope: { from: addressOf(mailFrom), to: [row.recipient] },
          raw: buildMime({ from: mailFrom, to: row.recipient, subject: row.subject, text: row.text_body ?? '', html: row.html_body, date: new Date(now()) }),
        })
      }
      await markSent(db, row.id, now(), this.keepsBodies ? 1 : 0)
      countEmail(row.template, 'sent')
    } catch (error) {
      const failedForGood = row.attempts >= (this.options.maximumAttempts ?? 15)
      const message = error instanceof Error ? error.message : String(error)
      this.options.log.warn({ outboxId: row.id, attempts: row.attempts, failedForGood }, 'email not sent yet')
      await db.updateTable('outbox').where('id', '=', row.id).set({
        status: failedForGood ? 'failed' : 'pending',
        next_attempt_at: now() + retryDelay(row.attempts),
        claimed_until: null,
        last_error: message.slice(0, 500),
        // A failed-for-good email stays visible (recipient, subject, error) but loses the links
        // and codes of its body: they must not outlive their purpose in the database.
        ...(failedForGood && !this.keepsBodies ? { text_body: null, html_body: null } : {}),
      }).execute()
      countEmail(row.template, failedForGood ? 'failed' : 'retried')
    }
  }
}
