/**
 * The demo's server-side state, in memory: a demo runs as one process, and a restart signs
 * everyone out (a real application would keep this in its database, shared by its instances).
 *
 * - sessions, under a random cookie; only the cookie's SHA-256 is kept, as the account service
 *   does: the tokens they hold never leave the server;
 * - sign-ins under way (state, nonce, PKCE verifier), under their own cookie, used once;
 * - the `jti` of the logout tokens already accepted, until they expire (no replay).
 */
import { createHash, randomBytes } from 'node:crypto'
import type { HospitalClaim, SiteClaim } from './records.ts'

export interface DemoSession {
  sub: string
  /** The provider's session id (ID token `sid`): what a back-channel logout names. */
  sid: string | undefined
  givenName: string
  familyName: string
  email: string
  role: string
  /** The sites of the last token or userinfo answer: the only ones whose records are shown. */
  sites: SiteClaim[]
  hospitals: HospitalClaim[]
  idToken: string | undefined
  accessToken: string
  accessTokenExpiresAt: number
  refreshToken: string | undefined
  /** Hidden field of this session's forms (« Se déconnecter »). */
  csrf: string
  createdAt: number
  /** The refresh under way: parallel page loads wait for it instead of reusing the token (which would revoke its family). */
  refreshing?: Promise<boolean>
}

export interface PendingSignIn { state: string; nonce: string; codeVerifier: string; createdAt: number }

const digest = (token: string) => createHash('sha256').update(token).digest('base64url')
const newToken = () => randomBytes(32).toString('base64url')

export interface StoreLimits {
  /** Absolute lifetime of a session (the provider's refresh tokens end sooner or later anyway). */
  sessionTtl: number
  pendingSignInTtl: number
  /** At most this many sign-ins under way: anyone may start one, memory is not theirs to fill. */
  maximumPendingSignIns: number
}

export const defaultLimits: StoreLimits = { sessionTtl: 12 * 3600_000, pendingSignInTtl: 10 * 60_000, maximumPendingSignIns: 10_000 }

export class MemoryStore {
  private readonly sessions = new Map<string, DemoSession>()
  private readonly pending = new Map<string, PendingSignIn>()
  private readonly acceptedLogoutTokens = new Map<string, number>()

  constructor (private readonly now: () => number = Date.now, private readonly limits: StoreLimits = defaultLimits) {}

  /** A new session; returns the cookie's value. */
  createSession (session: Omit<DemoSession, 'csrf' | 'createdAt'>): string {
    const token = newToken()
    this.sessions.set(digest(token), { ...session, csrf: newToken(), createdAt: this.now() })
    return token
  }

  findSession (token: string | undefined): DemoSession | undefined {
    if (!token) return undefined
    const key = digest(token)
    const session = this.sessions.get(key)
    if (session && this.now() - session.createdAt > this.limits.sessionTtl) {
      this.sessions.delete(key)
      return undefined
    }
    return session
  }

  endSession (token: string | undefined): DemoSession | undefined {
    if (!token) return undefined
    const key = digest(token)
    const session = this.sessions.get(key)
    this.sessions.delete(key)
    return session
  }

  /**
   * Back-channel logout: ends the sessions of this provider session (`sid`), or every session of
   * the user when the token names no session. Returns how many ended.
   */
  endSessionsOf ({ sub, sid }: { sub?: string; sid?: string }): number {
    let ended = 0
    for (const [key, session] of this.sessions) {
      const matches = sid !== undefined
        ? session.sid === sid && (sub === undefined || session.sub === sub)
        : sub !== undefined && session.sub === sub
      if (matches) {
        this.sessions.delete(key)
        ended++
      }
    }
    return ended
  }

  get sessionCount (): number { return this.sessions.size }

  startSignIn (signIn: Omit<PendingSignIn, 'createdAt'>): string {
    const now = this.now()
    for (const [key, p] of this.pending) if (now - p.createdAt > this.limits.pendingSignInTtl) this.pending.delete(key)
    // Maps iterate in insertion order: the oldest go first.
    for (const key of this.pending.keys()) {
      if (this.pending.size < this.limits.maximumPendingSignIns) break
      this.pending.delete(key)
    }
    const token = newToken()
    this.pending.set(digest(token), { ...signIn, createdAt: now })
    return token
  }

  /** The sign-in this browser started, once. */
  takeSignIn (token: string | undefined): PendingSignIn | undefined {
    if (!token) return undefined
    const key = digest(token)
    const signIn = this.pending.get(key)
    this.pending.delete(key)
    if (!signIn || this.now() - signIn.createdAt > this.limits.pendingSignInTtl) return undefined
    return signIn
  }

  /** Records a logout token's jti until `until` (ms); false when it was already accepted (a replay). */
  acceptLogoutTokenOnce (jti: string, until: number): boolean {
    const now = this.now()
    for (const [key, expiry] of this.acceptedLogoutTokens) if (expiry < now) this.acceptedLogoutTokens.delete(key)
    if (this.acceptedLogoutTokens.has(jti)) return false
    this.acceptedLogoutTokens.set(jti, until)
    return true
  }
}
