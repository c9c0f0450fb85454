/**
 * Secrets handed to a browser or an email (links, session ids, login codes) leave raw and are
 * stored only as a digest, through these helpers. A leaked database row gives nothing usable.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'

/** 256 random bits, URL-safe: session ids, link tokens, the pre-login browser binding. */
export function issueToken (): { token: string; digest: string } {
  const token = randomBytes(32).toString('base64url')
  return { token, digest: digestToken(token) }
}

export function digestToken (token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

/** A token as it may arrive from a link or a cookie: anything else is refused before any lookup. */
export function isWellFormedToken (value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value)
}

/** The 8-digit login code, uniform over 00000000–99999999 (crypto source, no modulo bias). */
export function issueOneTimeCode (): string {
  return randomInt(0, 100_000_000).toString().padStart(8, '0')
}

/** A code digest is salted with its challenge so equal codes never share a digest. */
export function digestOneTimeCode (challengeDigest: string, code: string): string {
  return createHash('sha256').update(`${challengeDigest}:${code}`).digest('base64url')
}

export function safeEqual (a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
