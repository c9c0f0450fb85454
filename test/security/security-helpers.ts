/**
 * Shared pieces of the hostile-input suites (hostile input and abuse, docs/security.md): the list of
 * routes the built app serves (read from `app.printRoutes`, so a route added later is seen), the
 * row counts that must not move on a refusal, and a raw request helper that can send any body,
 * content type, source address and header (the TestBrowser always sends a well-formed form).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Db } from '../../src/kernel/db/database.ts'

/**
 * Every "METHOD /path" the app serves for this method (HEAD excluded), parsed from the route
 * tree `printRoutes({ method, commonPrefix: false })` prints: each line's segment is appended to
 * its parent's path; the indentation (4 characters per level) gives the parent.
 */
export function servedRoutes (app: FastifyInstance, method: 'GET' | 'POST'): string[] {
  const tree = app.printRoutes({ method, commonPrefix: false })
  const stack: Array<{ depth: number; path: string }> = []
  const routes = new Set<string>()
  for (const line of tree.split('\n')) {
    const match = /^([\s│]*)(?:├── |└── )(.+?) \(([A-Z, ]+)\)\s*$/.exec(line)
    if (!match) continue
    const depth = (match[1] as string).length / 4
    while (stack.length > 0 && (stack.at(-1) as { depth: number }).depth >= depth) stack.pop()
    const path = `${stack.at(-1)?.path ?? ''}${match[2] as string}`.replace(/\/{2,}/g, '/')
    stack.push({ depth, path })
    if ((match[3] as string).split(', ').includes(method)) routes.add(`${method} ${path.length > 1 ? path.replace(/\/$/, '') : path}`)
  }
  return [...routes].sort()
}

/** Rows that a refused request must leave as they were. */
export const guardedTables = ['account', 'account_site', 'account_token', 'outbox', 'audit_event', 'session', 'login_challenge'] as const
export type RowCounts = Record<(typeof guardedTables)[number], number>

export async function countRows (db: Db): Promise<RowCounts> {
  const counts = {} as RowCounts
  for (const table of guardedTables) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    counts[table] = Number(row.n)
  }
  return counts
}

/** A snapshot of the mutable columns of every account (a GET must not change one of them). */
export async function accountStates (db: Db): Promise<string> {
  const rows = await db.selectFrom('account')
    .select(['id', 'email', 'last_name', 'first_name', 'email_confirmed_at', 'activated_at', 'deactivated_at', 'locked_at', 'failed_password_count', 'password_hash'])
    .orderBy('id').execute()
  const tokens = await db.selectFrom('account_token').select(['digest', 'used_at']).orderBy('digest').execute()
  return JSON.stringify({ rows, tokens })
}

export interface RawRequest {
  method: 'GET' | 'POST'
  url: string
  /** Sent as is; a string keeps its exact bytes. */
  payload?: string | Buffer
  contentType?: string
  cookies?: Map<string, string>
  headers?: Record<string, string>
  remoteAddress?: string
}

export function send (app: FastifyInstance, request: RawRequest): Promise<LightMyRequestResponse> {
  const cookie = [...(request.cookies ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ')
  return app.inject({
    method: request.method,
    url: request.url,
    payload: request.payload,
    remoteAddress: request.remoteAddress,
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(request.contentType ? { 'content-type': request.contentType } : {}),
      ...request.headers,
    },
  })
}

/** What must never be in an answer: a stack trace, an internal error name, a raw framework error. */
export function expectNoLeak (body: string): string | undefined {
  const leaks = [/\bat .+\.(ts|js):\d+/, /\bError: /, /"statusCode":\s*5/, /SQLITE_/, /\bsyntax error at\b/i, /ECONNREFUSED/, /node_modules/]
  return leaks.find((re) => re.test(body))?.source
}

/** Attack strings reused by the injection and XSS suites. */
export const sqlInjections = [
  "' OR '1'='1", "'; DROP TABLE account; --", '" OR 1=1 --', "1' UNION SELECT password_hash FROM account --",
  '%', '_', '\\', "'); DELETE FROM session; --", '1; SELECT pg_sleep(2)', "admin'--", '\u0000', '%27%20OR%201=1',
]
