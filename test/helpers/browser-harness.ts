/**
 * Real-browser tests: the real app listening on 127.0.0.1, Debian's Chromium driven by
 * playwright-core, axe-core for accessibility, and (optionally) a real SMTP server that keeps
 * the emails the app sends, so a test can follow the links and codes a user would receive.
 *
 * Usage (one harness per test file; Chromium takes a second or two to start):
 *
 *   import { startBrowserHarness, axeCheck, expectNoPageProblems, type BrowserHarness } from '../helpers/browser-harness.ts'
 *   let h: BrowserHarness
 *   beforeAll(async () => { h = await startBrowserHarness({ smtp: true }) })
 *   afterAll(async () => { await h?.close() })
 *
 *   it('…', async () => {
 *     const { page, problems } = await h.openPage()          // French browser, JavaScript on
 *     await page.goto(h.url('/inscription'))
 *     await axeCheck(page)                                   // throws with the list of violations
 *     await page.keyboard.press('Tab')                       // keyboard-only walkthroughs
 *     const email = await h.smtp!.waitForEmail('claire@chu-a.fr', { subject: /confirmer/ })
 *     await page.goto(linkIn(email))                         // linkIn from ./mailbox.ts
 *     expectNoPageProblems(problems)                         // no console error, no CSP violation
 *   })
 *
 * - `startBrowserHarness({ smtp, rules, env, clock })`: a fresh test database (SQLite, or
 *   PostgreSQL with TEST_DB=postgres), APP_BASE_URL = the address it listens on (a free port is
 *   picked first, since the address must be known before the app is built), the mail dispatcher
 *   running. With `smtp: true`, SMTP_URL points to an in-process SMTP server (`h.smtp`) and the
 *   outbox drops the bodies it sent, as in production; without it, the dev mailbox keeps them
 *   (read them with `emailsTo(h.db, …)` from ./mailbox.ts, or at /dev/mailbox).
 * - The app's clock is a TestClock frozen at the real time of start: codes and sessions never
 *   expire behind a slow test; `h.clock.advance(ms)` moves it (e.g. past the session timeout).
 * - `h.openPage({ javaScript: false })` opens a page without JavaScript (every page must work
 *   without it; `axeCheck` still works on it, on a copy of its DOM; but `page.evaluate` of
 *   anything asynchronous (timers) hangs there); `locale: 'en-GB'` for an English browser. Each call is a new browser profile
 *   (its own cookies). `problems` collects console errors (CSP violations are console errors,
 *   so is a missing style sheet or script) and uncaught page errors; the status of the page
 *   itself (a deliberate 400 or 404) is left to the test.
 * - `h.signIn(context, accountId)`: puts a session cookie in the browser profile, for tests about
 *   what comes after login (tests of the login itself go through the real pages).
 * - `focusByTab(page, name)`: presses Tab until the focused element's accessible text matches.
 * - `startSmtpCapture()` also works alone (outbox delivery tests); `smtp.failing = true` makes it
 *   answer 451 (temporary failure) to every message, to test retries.
 */
import net from 'node:net'
import { SMTPServer } from 'smtp-server'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { AxeBuilder } from '@axe-core/playwright'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import type { AppConfig, Rules } from '../../src/config.ts'
import type { Db } from '../../src/kernel/db/database.ts'
import { createSession } from '../../src/features/sessions/index.ts'
import { createTestDatabase, testConfig, TestClock, type TestDatabase } from './test-app.ts'

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
]
export const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

// ---------------------------------------------------------------------------------------------
// The app, listening

/** A port free right now on 127.0.0.1 (the OS picks it; we close and reuse it at once). */
export function findFreePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export interface BrowserHarnessOptions {
  /** Deliver emails through a real SMTP server kept in memory (`harness.smtp`). */
  smtp?: boolean
  rules?: Partial<Rules>
  env?: Record<string, string>
  clock?: TestClock
}

export interface OpenPageOptions {
  /** false: a browser with JavaScript disabled. */
  javaScript?: boolean
  /** The browser's language (Accept-Language); French by default. */
  locale?: string
}

export interface OpenedPage {
  context: BrowserContext
  page: Page
  /** Console errors (CSP violations included) and uncaught page errors, as they happen. */
  problems: string[]
}

export interface BrowserHarness {
  app: FastifyInstance
  db: Db
  config: AppConfig
  clock: TestClock
  baseUrl: string
  browser: Browser
  smtp: SmtpCapture | undefined
  url: (path: string) => string
  openPage: (options?: OpenPageOptions) => Promise<OpenedPage>
  signIn: (context: BrowserContext, accountId: string) => Promise<void>
  close: () => Promise<void>
}

export async function startBrowserHarness (options: BrowserHarnessOptions = {}): Promise<BrowserHarness> {
  const clock = options.clock ?? new TestClock(Date.now())
  const smtp = options.smtp ? await startSmtpCapture() : undefined
  const database = await createTestDatabase()
  const contexts = new Set<BrowserContext>()
  let app: FastifyInstance | undefined
  let browser: Browser | undefined
  try {
    const { app: started, baseUrl, config } = await listenOnFreePort(database, clock, options, smtp)
    app = started
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
    const openedBrowser = browser
    const openedApp = started
    return {
      app: started,
      db: started.db,
      config,
      clock,
      baseUrl,
      browser,
      smtp,
      url: (path) => new URL(path, baseUrl).toString(),
      async openPage (pageOptions = {}) {
        const context = await openedBrowser.newContext({
          javaScriptEnabled: pageOptions.javaScript ?? true,
          locale: pageOptions.locale ?? 'fr-FR',
        })
        contexts.add(context)
        const page = await context.newPage()
        if (pageOptions.javaScript === false) pagesWithoutJavaScript.add(page)
        return { context, page, problems: watchPageProblems(page) }
      },
      async signIn (context, accountId) {
        const token = await createSession(openedApp.db, accountId, clock.now())
        await context.addCookies([{ name: openedApp.sessionCookie, value: token, url: baseUrl, httpOnly: true, sameSite: 'Lax' }])
      },
      async close () {
        for (const context of contexts) await context.close().catch(() => undefined)
        await openedBrowser.close()
        await openedApp.close()
        await smtp?.stop()
        await database.drop()
      },
    }
  } catch (error) {
    await browser?.close().catch(() => undefined)
    await app?.close().catch(() => undefined)
    await smtp?.stop()
    await database.drop()
    throw error
  }
}

async function listenOnFreePort (database: TestDatabase, clock: TestClock, options: BrowserHarnessOptions, smtp: SmtpCapture | undefined) {
  // Another process may take the port between findFreePort and listen: try again with a new one.
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort()
    const baseUrl = `http://127.0.0.1:${port}`
    const config = testConfig({
      ...database.env,
      ...(smtp ? { SMTP_URL: smtp.url } : {}),
      ...options.env,
      APP_BASE_URL: baseUrl,
    }, options.rules)
    const app = await buildApp(config, { now: clock.now, startMailDispatcher: true, mailPollInterval: 200 })
    try {
      await app.listen({ host: '127.0.0.1', port })
      return { app, baseUrl, config }
    } catch (error) {
      await app.close()
      if ((error as { code?: string }).code !== 'EADDRINUSE' || attempt >= 5) throw error
    }
  }
}

// ---------------------------------------------------------------------------------------------
// What a page must never do

function watchPageProblems (page: Page): string[] {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    // A page answered with a 4xx on purpose (a 404 page, a form shown again with a 400) logs
    // « Failed to load resource » for itself: its status is the test's to check, not a problem.
    const aboutThisDocument = message.location().url.replace(/#.*$/, '') === page.url().replace(/#.*$/, '')
    if (aboutThisDocument && message.text().startsWith('Failed to load resource')) return
    problems.push(`console error on ${page.url()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`uncaught error on ${page.url()}: ${error.message}`))
  return problems
}

/** Fails with every console error, CSP violation and uncaught error the page reported. */
export function expectNoPageProblems (problems: string[]): void {
  if (problems.length > 0) throw new Error(`The page reported problems:\n  - ${problems.join('\n  - ')}`)
}

/** Pages opened without JavaScript (axe cannot run inside them: their timers never fire). */
const pagesWithoutJavaScript = new WeakSet<Page>()

/**
 * Runs axe (WCAG 2.1 A and AA) on the page as it is now; fails listing each violation. On a page
 * without JavaScript, axe checks a copy of its current DOM (scripts removed, same address and
 * styles) in a tab with JavaScript, since axe itself is JavaScript.
 */
export async function axeCheck (page: Page, options: { disableRules?: string[] } = {}) {
  if (!pagesWithoutJavaScript.has(page)) return analyzeWithAxe(page, options)
  const browser = page.context().browser()
  if (!browser) throw new Error('axeCheck: no browser behind this page')
  const target = page.url().replace(/#.*$/, '')
  const snapshot = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '')
  const mirrorContext = await browser.newContext({ javaScriptEnabled: true })
  try {
    const mirror = await mirrorContext.newPage()
    await mirror.route((url) => url.href.replace(/#.*$/, '') === target,
      (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: snapshot }))
    await mirror.goto(page.url())
    return await analyzeWithAxe(mirror, options, page.url())
  } finally {
    await mirrorContext.close()
  }
}

async function analyzeWithAxe (page: Page, options: { disableRules?: string[] }, shownUrl = page.url()) {
  const builder = new AxeBuilder({ page }).withTags(axeTags)
  if (options.disableRules) builder.disableRules(options.disableRules)
  const results = await builder.analyze()
  if (results.violations.length > 0) {
    const lines = results.violations.map((v) =>
      `${v.id} (${v.impact ?? 'n/a'}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
    throw new Error(`axe found ${results.violations.length} violation(s) on ${shownUrl}:\n  - ${lines.join('\n  - ')}`)
  }
  return results
}

/**
 * Presses Tab (at most `maxPresses` times) until the focused element's text or accessible label
 * matches `name`; returns how many presses it took. Fails when it never gets there.
 */
export async function focusByTab (page: Page, name: string | RegExp, maxPresses = 40): Promise<number> {
  const matches = (text: string) => (typeof name === 'string' ? text.trim() === name : name.test(text))
  for (let presses = 1; presses <= maxPresses; presses++) {
    await page.keyboard.press('Tab')
    const focused = await focusedElementName(page)
    if (focused !== undefined && matches(focused)) return presses
  }
  throw new Error(`Tab never reached « ${String(name)} » on ${page.url()} in ${maxPresses} presses`)
}

/** The focused element's label: aria-label, else its text, else its value (page JavaScript not needed). */
export async function focusedElementName (page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null
    if (!element || element === document.body) return undefined
    return element.getAttribute('aria-label') ?? (element.innerText?.trim() || (element as HTMLInputElement).value)
  })
}

// ---------------------------------------------------------------------------------------------
// A real SMTP server that keeps what it receives

export interface CapturedEmail {
  /** The first recipient (so ./mailbox.ts `linkIn`, `pathOfLinkIn`, `codeIn` accept it). */
  to: string
  recipients: string[]
  from: string
  subject: string
  text: string
  html: string
  /** Not carried over SMTP. */
  template: string
  receivedAt: number
}

export class SmtpCapture {
  readonly messages: CapturedEmail[] = []
  /** true: every message gets a 451 (temporary failure), as when the mail relay is down. */
  failing = false
  port = 0
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (this.failing) {
          callback(Object.assign(new Error('Service temporairement indisponible'), { responseCode: 451 }))
          return
        }
        const recipients = session.envelope.rcptTo.map((r) => r.address)
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : ''
        const parsed = parseEmail(Buffer.concat(chunks).toString('latin1'))
        this.messages.push({ ...parsed, recipients, to: recipients[0] ?? '', from, template: '', receivedAt: Date.now() })
        callback()
      })
    },
  })

  get url () { return `smtp://127.0.0.1:${this.port}` }

  static async start (): Promise<SmtpCapture> {
    const capture = new SmtpCapture()
    await new Promise<void>((resolve, reject) => {
      capture.server.once('error', reject)
      capture.server.listen(0, '127.0.0.1', () => resolve())
    })
    capture.port = ((capture.server as unknown as { server: net.Server }).server.address() as net.AddressInfo).port
    return capture
  }

  emailsTo (address: string): CapturedEmail[] {
    const wanted = address.trim().toLowerCase()
    return this.messages.filter((m) => m.recipients.some((r) => r.toLowerCase() === wanted))
  }

  /** Waits for an email to `address` (whose subject matches, if given) beyond the first `skip`. */
  async waitForEmail (address: string, options: { subject?: RegExp | string; skip?: number; timeout?: number } = {}): Promise<CapturedEmail> {
    const deadline = Date.now() + (options.timeout ?? 10_000)
    for (;;) {
      const found = this.emailsTo(address)
        .filter((m) => options.subject === undefined || (typeof options.subject === 'string' ? m.subject === options.subject : options.subject.test(m.subject)))
        .at(options.skip ?? 0)
      if (found) return found
      if (Date.now() > deadline) {
        throw new Error(`no email to ${address} within the time (received: ${this.messages.map((m) => `${m.to} « ${m.subject} »`).join(', ') || 'none'})`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  async stop () {
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

export const startSmtpCapture = () => SmtpCapture.start()

// A small MIME reader: enough for what nodemailer writes (headers with encoded words,
// multipart/alternative, quoted-printable or base64 UTF-8 parts). `raw` is read as latin1 so
// each character is one byte.
interface MimePart { headers: Map<string, string>; body: string }

function splitMime (raw: string): MimePart {
  const end = raw.search(/\r?\n\r?\n/)
  const head = end === -1 ? raw : raw.slice(0, end)
  const body = end === -1 ? '' : raw.slice(end).replace(/^\r?\n\r?\n/, '')
  const headers = new Map<string, string>()
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  return { headers, body }
}

function decodeHeader (value: string): string {
  return value
    .replace(/(=\?[^?]+\?[bq]\?[^?]*\?=)\s+(?==\?)/gi, '$1')
    .replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (_, _charset: string, encoding: string, text: string) =>
      encoding.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : bytesToUtf8(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))))
}

function bytesToUtf8 (latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8')
}

function decodeBody (part: MimePart): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase()
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (encoding === 'quoted-printable') {
    return bytesToUtf8(part.body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))))
  }
  return bytesToUtf8(part.body)
}

function collectBodies (part: MimePart, into: { text: string; html: string }) {
  const type = part.headers.get('content-type') ?? 'text/plain'
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1]
  if (/^multipart\//i.test(type) && boundary) {
    const sections = part.body.split(`--${boundary}`).slice(1)
    for (const section of sections) {
      if (section.startsWith('--')) break
      collectBodies(splitMime(section.replace(/^\r?\n/, '')), into)
    }
  } else if (/^text\/html/i.test(type)) {
    into.html ||= decodeBody(part).replace(/\r\n/g, '\n')
  } else if (/^text\/plain/i.test(type)) {
    into.text ||= decodeBody(part).replace(/\r\n/g, '\n').replace(/\n$/, '')
  }
}

function parseEmail (raw: string): Pick<CapturedEmail, 'subject' | 'text' | 'html'> {
  const message = splitMime(raw)
  const bodies = { text: '', html: '' }
  collectBodies(message, bodies)
  return { subject: decodeHeader(message.headers.get('subject') ?? ''), ...bodies }
}
