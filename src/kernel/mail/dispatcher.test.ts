/**
 * Outbox delivery through a real SMTP server (nodemailer's `smtp-server`), on SQLite and
 * PostgreSQL: emails leave as written, survive an SMTP outage without loss or duplicates,
 * back off between attempts, are claimed once when several instances share the database, and
 * stay visible as `failed` after the last attempt.
 */
import net from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SMTPServer } from 'smtp-server'
import { buildTestApp, createTestDatabase, testEngine, type TestApp, type TestDatabase } from '../../../test/helpers/test-app.ts'
import type { Db } from '../db/database.ts'
import { minutes, seconds } from '../../config.ts'
import { composeEmail } from './compose.ts'
import { enqueueMail } from './outbox.ts'
import { MailDispatcher, retryDelay } from './dispatcher.ts'

const mailFrom = 'BaMaRa <no-reply@bamara.test>'
const context = { appName: 'BaMaRa', supportEmail: 'support@bamara.test', appBaseUrl: 'http://bamara.test' }
const silentLog = { warn: () => {}, error: () => {} }

interface ReceivedEmail { from: string; to: string[]; headers: Record<string, string>; subject: string; text: string; html: string }

/** A real SMTP server on 127.0.0.1 that keeps what it receives; it can be stopped and restarted on its port. */
class TestSmtpServer {
  readonly received: ReceivedEmail[] = []
  /** SMTP sessions opened by clients (a pooled transport reuses one). */
  connections = 0
  private server: SMTPServer | undefined
  constructor (readonly port: number) {}

  async start () {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onConnect: (_session, callback) => {
        this.connections++
        callback()
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          this.received.push(readEmail(Buffer.concat(chunks).toString('utf8'), session.envelope))
          callback()
        })
      },
    })
    const server = this.server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
  }

  async stop () {
    const server = this.server
    this.server = undefined
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  get url () { return `smtp://127.0.0.1:${this.port}` }
}

async function freePort (): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as net.AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

// A minimal MIME reader, enough for what nodemailer writes (headers, multipart/alternative,
// quoted-printable or base64 parts, RFC 2047 encoded subjects).
function readEmail (raw: string, envelope: { mailFrom: false | { address: string }; rcptTo: Array<{ address: string }> }): ReceivedEmail {
  const { headers, body } = splitHeaders(raw)
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1]
  const parts = boundary
    ? body.split(`--${boundary}`).slice(1, -1).map(splitHeaders)
    : [{ headers, body }]
  const partOfType = (type: string) => {
    const part = parts.find((p) => (p.headers['content-type'] ?? '').startsWith(type))
    return part ? decodeBody(part.body, part.headers['content-transfer-encoding'] ?? '7bit') : ''
  }
  return {
    from: envelope.mailFrom ? envelope.mailFrom.address : '',
    to: envelope.rcptTo.map((r) => r.address),
    headers,
    subject: decodeWords(headers.subject ?? ''),
    text: partOfType('text/plain'),
    html: partOfType('text/html'),
  }
}

function splitHeaders (raw: string) {
  const text = raw.replace(/^\r\n/, '')
  const end = text.indexOf('\r\n\r\n')
  const headers: Record<string, string> = {}
  for (const line of text.slice(0, end).replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { headers, body: text.slice(end + 4) }
}

function decodeBody (body: string, encoding: string): string {
  if (encoding.toLowerCase() === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (encoding.toLowerCase() === 'quoted-printable') return decodeQuotedPrintable(body).replace(/\r\n$/, '')
  return body.replace(/\r\n$/, '')
}

function decodeQuotedPrintable (text: string): string {
  const joined = text.replace(/=\r\n/g, '')
  const bytes: number[] = []
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      bytes.push(...Buffer.from(joined[i] as string, 'utf8'))
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

function decodeWords (value: string): string {
  return value.replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_, kind: string, data: string) =>
    kind.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : decodeQuotedPrintable(data.replace(/_/g, ' ')))
}

async function queue (db: Db, to: string, subject: string, now: number): Promise<string> {
  const email = composeEmail(context, {
    template: 'test',
    to,
    subject,
    greeting: { civility: 'mme', lastName: 'Hélène' },
    paragraphs: [`Votre demande « ${subject} » a bien été prise en compte.`],
    action: { label: 'Confirmer mon adresse email', url: 'http://bamara.test/confirmation?jeton=abc' },
  })
  return db.transaction().execute((tx) => enqueueMail(tx, email, now))
}

function outboxRows (db: Db) {
  return db.selectFrom('outbox')
    .select(['id', 'recipient', 'subject', 'status', 'attempts', 'next_attempt_at', 'sent_at', 'last_error', 'text_body', 'html_body', 'claimed_until'])
    .orderBy('id').execute()
}

describe(`outbox delivery through a real SMTP server (${testEngine})`, () => {
  let t: TestApp
  let smtp: TestSmtpServer
  const dispatchers: MailDispatcher[] = []
  const dispatcher = (options: { maximumAttempts?: number; db?: Db } = {}) => {
    const created = new MailDispatcher({ db: options.db ?? t.db, smtpUrl: smtp.url, mailFrom, now: t.clock.now, log: silentLog, maximumAttempts: options.maximumAttempts })
    dispatchers.push(created)
    return created
  }

  beforeAll(async () => { t = await buildTestApp() })
  afterAll(async () => { await t.close() })
  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.stop()))
    await smtp.stop()
    await t.db.deleteFrom('outbox').execute()
  })

  it('delivers queued emails with the subject, sender, text and HTML written in the outbox, then erases the bodies', async () => {
    smtp = new TestSmtpServer(await freePort())
    await smtp.start()
    await queue(t.db, 'helene.leveque@chu-a.fr', 'Veuillez confirmer votre adresse email', t.clock.now())
    await queue(t.db, 'marc.perrin@chu-b.fr', 'Mot de passe à usage unique', t.clock.now())

    await dispatcher().deliverDue()

    expect(smtp.received).toHaveLength(2)
    const [first, second] = smtp.received as [ReceivedEmail, ReceivedEmail]
    expect(first.subject).toBe('BaMaRa - Veuillez confirmer votre adresse email')
    expect(second.subject).toBe('BaMaRa - Mot de passe à usage unique')
    expect(first.from).toBe('no-reply@bamara.test')
    expect(first.headers.from).toBe('BaMaRa <no-reply@bamara.test>')
    expect(first.to).toEqual(['helene.leveque@chu-a.fr'])
    expect(first.text).toContain('Bonjour Madame Hélène,')
    expect(first.text).toContain('Confirmer mon adresse email : http://bamara.test/confirmation?jeton=abc')
    expect(first.html).toContain('<a href="http://bamara.test/confirmation?jeton=abc"')
    expect(first.html).toContain('« Veuillez confirmer votre adresse email »')

    const rows = await outboxRows(t.db)
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'sent', attempts: 1, sent_at: t.clock.now(), last_error: null, claimed_until: null })
      // The bodies held a single-use link: nothing readable is left once the email has left.
      expect(row.text_body).toBeNull()
      expect(row.html_body).toBeNull()
    }
  })

  it('delivers user values holding CR/LF as data: one recipient, no injected header, no extra line in the text', async () => {
    smtp = new TestSmtpServer(await freePort())
    await smtp.start()
    await queue(t.db, 'helene.leveque@chu-a.fr', 'Demande\r\nBcc: pirate@exemple.fr\r\nX-Injected: 1\r\n\r\nCorps', t.clock.now())
    await dispatcher().deliverDue()
    const [received] = smtp.received as [ReceivedEmail]
    expect(received.to).toEqual(['helene.leveque@chu-a.fr'])
    expect(received.headers.bcc).toBeUndefined()
    expect(received.headers['x-injected']).toBeUndefined()
    expect(received.subject).toBe('BaMaRa - Demande Bcc: pirate@exemple.fr X-Injected: 1 Corps')
    expect(received.text).not.toMatch(/^(Bcc|X-Injected|Corps)/m)
    expect(received.text).toContain('Votre demande « Demande Bcc: pirate@exemple.fr X-Injected: 1 Corps » a bien été prise en compte.')
  })

  it('keeps its SMTP connection open for the next emails (pool), unless SMTP_URL says ?pool=false', async () => {
    smtp = new TestSmtpServer(await freePort())
    await smtp.start()
    for (const subject of ['Un', 'Deux', 'Trois']) await queue(t.db, 'helene.leveque@chu-a.fr', subject, t.clock.now())
    await dispatcher().deliverDue()
    expect(smtp.received).toHaveLength(3)
    expect(smtp.connections).toBe(1)

    for (const subject of ['Quatre', 'Cinq']) await queue(t.db, 'helene.leveque@chu-a.fr', subject, t.clock.now())
    const unpooled = new MailDispatcher({ db: t.db, smtpUrl: `${smtp.url}?pool=false`, mailFrom, now: t.clock.now, log: silentLog })
    dispatchers.push(unpooled)
    await unpooled.deliverDue()
    expect(smtp.received).toHaveLength(5)
    expect(smtp.connections).toBe(3)
  })

  it('keeps the pooled connection past nodemailer\'s 100 emails, unless SMTP_URL says ?maxMessages=N', async () => {
    smtp = new TestSmtpServer(await freePort())
    await smtp.start()
    for (let n = 1; n <= 105; n++) await queue(t.db, 'helene.leveque@chu-a.fr', `Message ${n}`, t.clock.now())
    await dispatcher().deliverDue()
    expect(smtp.received).toHaveLength(105)
    expect(smtp.connections).toBe(1)

    for (let n = 1; n <= 5; n++) await queue(t.db, 'helene.leveque@chu-a.fr', `Limité ${n}`, t.clock.now())
    const limited = new MailDispatcher({ db: t.db, smtpUrl: `${smtp.url}?maxMessages=2`, mailFrom, now: t.clock.now, log: silentLog })
    dispatchers.push(limited)
    await limited.deliverDue()
    expect(smtp.received).toHaveLength(110)
    expect(smtp.connections).toBe(4)
  })

  it('sends nothing for a change that was rolled back', async () => {
    smtp = new TestSmtpServer(await freePort())
    await smtp.start()
    await expect(t.db.transaction().execute(async (tx) => {
      await enqueueMail(tx, composeEmail(context, { template: 'test', to: 'x@chu-a.fr', subject: 'Annulé', greeting: 'anyone', paragraphs: [] }), t.clock.now())
      throw new Error('the change failed')
    })).rejects.toThrow('the change failed')
    await dispatcher().deliverDue()
    expect(smtp.received).toEqual([])
    expect(await outboxRows(t.db)).toEqual([])
  })

  it('keeps emails while SMTP is down, backs off, and sends each exactly once when it is back (across a restart)', async () => {
    smtp = new TestSmtpServer(await freePort())
    const start = t.clock.now()
    for (const n of [1, 2, 3]) await queue(t.db, `user${n}@chu-a.fr`, `Email ${n}`, start)

    // First attempt: the port is closed.
    await dispatcher().deliverDue()
    let rows = await outboxRows(t.db)
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: start + retryDelay(1), claimed_until: null, sent_at: null })
      expect(row.last_error).toMatch(/ECONNREFUSED|connect/i)
      expect(row.text_body).not.toBeNull()
    }

    // Not due yet: no new attempt.
    await dispatcher().deliverDue()
    expect((await outboxRows(t.db)).map((r) => r.attempts)).toEqual([1, 1, 1])

    // Second attempt, still down: the delay doubles.
    t.clock.advance(retryDelay(1))
    await dispatcher().deliverDue()
    rows = await outboxRows(t.db)
    expect(rows.map((r) => [r.status, r.attempts, r.next_attempt_at])).toEqual(rows.map(() => ['pending', 2, t.clock.now() + retryDelay(2)]))
    expect(retryDelay(2)).toBe(2 * retryDelay(1))

    // SMTP is back, but the emails wait for their next attempt time.
    await smtp.start()
    await dispatcher().deliverDue()
    expect(smtp.received).toHaveLength(0)

    // A new dispatcher (the app restarted) delivers them once the delay has passed.
    t.clock.advance(retryDelay(2))
    await dispatcher().deliverDue()
    await dispatcher().deliverDue()
    expect(smtp.received.map((e) => e.subject).sort()).toEqual(['BaMaRa - Email 1', 'BaMaRa - Email 2', 'BaMaRa - Email 3'])
    rows = await outboxRows(t.db)
    expect(rows.map((r) => [r.status, r.attempts, r.last_error, r.text_body])).toEqual(rows.map(() => ['sent', 3, null, null]))
  })

  it('takes over an email claimed by an instance that died, once the claim expires', async () => {
    smtp = new TestSmtpServer(await freePort())
    await smtp.start()
    const id = await queue(t.db, 'orphan@chu-a.fr', 'Réclamé puis abandonné', t.clock.now())
    await t.db.updateTable('outbox').set({ claimed_until: t.clock.now() + minutes(2), attempts: 1 }).where('id', '=', id).execute()

    await dispatcher().deliverDue()
    expect(smtp.received).toHaveLength(0)

    t.clock.advance(minutes(2) + seconds(1))
    await dispatcher().deliverDue()
    expect(smtp.received.map((e) => e.subject)).toEqual(['BaMaRa - Réclamé puis abandonné'])
    expect((await outboxRows(t.db))[0]).toMatchObject({ status: 'sent', attempts: 2 })
  })

  it('keeps an email that failed for good after the last attempt, visible with status failed, without its body', async () => {
    smtp = new TestSmtpServer(await freePort())
    await queue(t.db, 'never@chu-a.fr', 'Jamais envoyé', t.clock.now())
    const failing = dispatcher({ maximumAttempts: 3 })
    for (let attempt = 1; attempt <= 3; attempt++) {
      await failing.deliverDue()
      const [row] = await outboxRows(t.db)
      expect(row).toMatchObject({ attempts: attempt, status: attempt < 3 ? 'pending' : 'failed' })
      t.clock.advance(retryDelay(attempt))
    }
    // Even with SMTP back, a failed email is not retried silently; it stays for a human to see.
    await smtp.start()
    t.clock.advance(minutes(60))
    await failing.deliverDue()
    expect(smtp.received).toHaveLength(0)
    const [row] = await outboxRows(t.db)
    expect(row).toMatchObject({ status: 'failed', attempts: 3, recipient: 'never@chu-a.fr', subject: 'BaMaRa - Jamais envoyé', sent_at: null })
    expect(row?.last_error).toBeTruthy()
    // Its body (links, codes) is erased: only what a human needs to follow up stays.
    expect(row?.text_body).toBeNull()
    expect(row?.html_body).toBeNull()
  })
})

describe(`two instances sharing one database (${testEngine})`, () => {
  let database: TestDatabase
  let first: TestApp
  let second: TestApp
  let smtp: TestSmtpServer
  beforeAll(async () => {
    database = await createTestDatabase()
    first = await buildTestApp({ database })
    second = await buildTestApp({ database, clock: first.clock })
    smtp = new TestSmtpServer(await freePort())
    await smtp.start()
  })
  afterAll(async () => {
    await smtp.stop()
    await first.close()
    await second.close()
    await database.drop()
  })

  it('sends each email exactly once when both dispatchers deliver at the same time', async () => {
    const count = 40
    for (let n = 0; n < count; n++) await queue(first.db, `user${n}@chu-a.fr`, `Parallèle ${n}`, first.clock.now())
    // Each instance signs with its own sender, to see that both took part.
    const make = (db: Db, sender: string) => new MailDispatcher({ db, smtpUrl: smtp.url, mailFrom: sender, now: first.clock.now, log: silentLog })
    const a = make(first.db, 'a@bamara.test')
    const b = make(second.db, 'b@bamara.test')
    try {
      await Promise.all([a.deliverDue(), b.deliverDue(), a.kick(), b.kick()])
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
    const subjects = smtp.received.map((e) => e.subject)
    expect(subjects).toHaveLength(count)
    expect(new Set(subjects).size).toBe(count)
    expect(new Set(smtp.received.map((e) => e.from))).toEqual(new Set(['a@bamara.test', 'b@bamara.test']))
    const rows = await outboxRows(second.db)
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true)
  })
  it('sends an email delivered now (a login code) once, while both dispatchers also poll', async () => {
    smtp.received.length = 0
    const ids = []
    for (let n = 0; n < 20; n++) ids.push(await queue(first.db, `now${n}@chu-a.fr`, `Maintenant ${n}`, first.clock.now()))
    const make = (db: Db, sender: string) => new MailDispatcher({ db, smtpUrl: smtp.url, mailFrom: sender, now: first.clock.now, log: silentLog })
    const a = make(first.db, 'a@bamara.test')
    const b = make(second.db, 'b@bamara.test')
    try {
      await Promise.all([...ids.map((id) => a.deliverNow(id)), ...ids.map((id) => b.deliverNow(id)), a.deliverDue(), b.kick()])
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
    expect(smtp.received.map((e) => e.subject).sort()).toEqual(ids.map((_, n) => `BaMaRa - Maintenant ${n}`).sort())
    const rows = await second.db.selectFrom('outbox').select(['status', 'attempts']).where('id', 'in', ids).execute()
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true)
  })
})
