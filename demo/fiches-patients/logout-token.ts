/**
 * OpenID Connect Back-Channel Logout 1.0, §2.6 « Logout Token Validation », with jose: the
 * provider posts a signed logout token when a user's access ends (deactivation, a site removed,
 * an email change, a password reset, or a logout elsewhere); the sessions it names end here.
 *
 * Accepted only when: signed by a key of the provider's JWKS with an algorithm it announces
 * (never `none`, never HS*), `typ` logout+jwt, `iss` the provider, `aud` this client, `iat` and
 * `exp` present and recent, the back-channel logout event in `events`, `sub` or `sid`, no `nonce`
 * (an ID token is not a logout token), and a `jti`; a `jti` accepted before ends nothing again
 * (a replay, or the provider's retry of a logout whose answer it lost: that one gets its 200).
 */
import { jwtVerify, type JWTVerifyGetKey } from 'jose'

export const backchannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout'

export type LogoutTokenCheck =
  | { outcome: 'accepted'; sub: string | undefined; sid: string | undefined }
  /**
   * A valid token whose jti was accepted before: the provider sends the same token again when it
   * did not get the first answer. That logout was done; it is answered 200 and does nothing again.
   */
  | { outcome: 'alreadyAccepted' }
  | { outcome: 'refused'; reason: 'malformed' | 'signatureOrClaims' | 'noLogoutEvent' | 'nonce' | 'noSubject' | 'noJti' }

export interface LogoutTokenExpectations {
  issuer: string
  clientId: string
  keys: JWTVerifyGetKey
  algorithms: string[]
  /** false when this jti was accepted before (records it otherwise, until `until`). */
  acceptOnce: (jti: string, until: number) => boolean
  now?: () => number
}

/** Tokens older than this are refused even if `exp` is further (the provider gives 2 minutes). */
const maximumAge = 5 * 60
const clockTolerance = 30

export async function checkLogoutToken (token: unknown, expected: LogoutTokenExpectations): Promise<LogoutTokenCheck> {
  if (typeof token !== 'string' || token.length > 16_000 || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return { outcome: 'refused', reason: 'malformed' }
  const now = expected.now ?? Date.now
  let payload
  try {
    ;({ payload } = await jwtVerify(token, expected.keys, {
      issuer: expected.issuer,
      audience: expected.clientId,
      algorithms: expected.algorithms,
      typ: 'logout+jwt',
      requiredClaims: ['iat', 'exp', 'jti', 'events'],
      maxTokenAge: maximumAge,
      clockTolerance,
      currentDate: new Date(now()),
    }))
  } catch {
    return { outcome: 'refused', reason: 'signatureOrClaims' }
  }
  const events = payload.events as Record<string, unknown> | undefined
  const event = events !== null && typeof events === 'object' ? events[backchannelLogoutEvent] : undefined
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return { outcome: 'refused', reason: 'noLogoutEvent' }
  if ('nonce' in payload) return { outcome: 'refused', reason: 'nonce' }
  const sub = typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : undefined
  const sid = typeof payload.sid === 'string' && payload.sid !== '' ? payload.sid : undefined
  if (!sub && !sid) return { outcome: 'refused', reason: 'noSubject' }
  if (typeof payload.jti !== 'string') return { outcome: 'refused', reason: 'noJti' }
  // Checked last: a forged or wrong token must not take a jti out of use.
  if (!expected.acceptOnce(payload.jti, ((payload.exp ?? 0) + clockTolerance) * 1000)) return { outcome: 'alreadyAccepted' }
  return { outcome: 'accepted', sub, sid }
}
