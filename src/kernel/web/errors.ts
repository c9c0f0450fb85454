/**
 * Expected refusals that may arise deep in a flow and must reach the user as a clean 4xx/503.
 * Everything else is a surprise: logged with request context (never bodies or tokens) and shown
 * as a generic page with a 500.
 */
export class HttpProblem extends Error {
  constructor (readonly statusCode: number, readonly title: string, readonly detail: string, readonly headers: Record<string, string> = {}) {
    super(detail)
  }
}

/**
 * A refusal a flow throws with its status only (house style rule 16: flows speak outcomes, the
 * edge speaks the language): the one error handler words it in the request's language. A 404
 * also stands for « not yours » (no probing of other hospitals' ids).
 */
export class RequestRefused extends Error {
  constructor (readonly statusCode: 400 | 403 | 404 | 409) { super(`request refused (${statusCode})`) }
}

export class RateLimited extends Error {
  readonly statusCode = 429
  constructor (readonly retryAfterSeconds: number) { super('rate limited') }
}

export class CsrfRejected extends Error {
  readonly statusCode = 403
  constructor () { super('csrf token missing or wrong') }
}

const databaseUnavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', 'SQLITE_BUSY'])

/** Database down or restarting: the request gets a 503 and the service recovers by itself. */
export function isDatabaseUnavailable (error: unknown): boolean {
  const e = error as { code?: string; message?: string }
  return (e?.code !== undefined && databaseUnavailableCodes.has(e.code)) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(e?.message ?? '')
}
