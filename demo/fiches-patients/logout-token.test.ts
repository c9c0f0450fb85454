/**
 * The logout token check (Back-Channel Logout 1.0 §2.6) against forged, misdirected and replayed
 * tokens, with keys made here (the end-to-end test uses the provider's).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type JWK, type JWTPayload } from 'jose'
import { backchannelLogoutEvent, checkLogoutToken, type LogoutTokenExpectations } from './logout-token.ts'
import { MemoryStore } from './session-store.ts'

const issuer = 'http://127.0.0.1:3000'
const clientId = 'client-fiches'
const now = Date.UTC(2026, 11, 5, 9, 0, 0)
const seconds = Math.floor(now / 1000)

describe('logout token check', () => {
  let providerKey: CryptoKey
  let otherKey: CryptoKey
  let publicJwk: JWK
  let expectations: () => LogoutTokenExpectations

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256')
    providerKey = pair.privateKey
    otherKey = (await generateKeyPair('ES256')).privateKey
    publicJwk = { ...await exportJWK(pair.publicKey), kid: 'k1', alg: 'ES256', use: 'sig' }
    expectations = () => {
      const store = new MemoryStore(() => now)
      return {
        issuer, clientId, keys: createLocalJWKSet({ keys: [publicJwk] }), algorithms: ['ES256', 'RS256'],
        acceptOnce: (jti, until) => store.acceptLogoutTokenOnce(jti, until), now: () => now,
      }
    }
  })

  const claims = (overrides: JWTPayload = {}): JWTPayload => ({
    iss: issuer, aud: clientId, iat: seconds, exp: seconds + 120, jti: 'jti-1', sub: 'account-1', sid: 'session-1',
    events: { [backchannelLogoutEvent]: {} }, ...overrides,
  })
  const sign = (payload: JWTPayload, key: CryptoKey = providerKey, header: Record<string, unknown> = { typ: 'logout+jwt' }) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: 'k1', ...header }).sign(key)

  it('accepts the provider’s token once, naming the user and the provider session; the same token again ends nothing', async () => {
    const expected = expectations()
    const token = await sign(claims())
    expect(await checkLogoutToken(token, expected)).toEqual({ outcome: 'accepted', sub: 'account-1', sid: 'session-1' })
    expect(await checkLogoutToken(token, expected)).toEqual({ outcome: 'alreadyAccepted' })
  })

  it('refuses what is not a signed token from the provider to this client', async () => {
    const expected = expectations()
    const refusedBecause = async (token: unknown) => ((await checkLogoutToken(token, expected)) as { reason?: string }).reason
    expect(await refusedBecause(undefined)).toBe('malformed')
    expect(await refusedBecause('not a token')).toBe('malformed')
    expect(await refusedBecause(['a.b.c'])).toBe('malformed')
    expect(await refusedBecause(await sign(claims(), otherKey))).toBe('signatureOrClaims')
    expect(await refusedBecause(await sign(claims({ iss: 'https://elsewhere.example' })))).toBe('signatureOrClaims')
    expect(await refusedBecause(await sign(claims({ aud: 'another-client' })))).toBe('signatureOrClaims')
    expect(await refusedBecause(await sign(claims({ exp: seconds - 600, iat: seconds - 720 })))).toBe('signatureOrClaims')
    expect(await refusedBecause(await sign(claims({ iat: seconds - 3600, exp: seconds + 120 })))).toBe('signatureOrClaims')
    expect(await refusedBecause(await sign(claims({ jti: undefined })))).toBe('signatureOrClaims')
    // An ID token (no logout+jwt type, a nonce, no event) is not a logout token.
    expect(await refusedBecause(await sign(claims(), providerKey, {}))).toBe('signatureOrClaims')
    expect(await refusedBecause(await sign(claims({ nonce: 'n' })))).toBe('nonce')
    expect(await refusedBecause(await sign(claims({ events: { 'http://schemas.openid.net/event/other': {} } })))).toBe('noLogoutEvent')
    expect(await refusedBecause(await sign(claims({ events: { [backchannelLogoutEvent]: 'yes' } })))).toBe('noLogoutEvent')
    expect(await refusedBecause(await sign(claims({ sub: undefined, sid: undefined })))).toBe('noSubject')
    // Unsigned (alg none) and symmetric tokens, the classic forgeries.
    const [, body] = (await sign(claims())).split('.')
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'logout+jwt' })).toString('base64url')}.${body}.`
    expect(await refusedBecause(none)).toBe('malformed')
    const hs = await new SignJWT(claims({ jti: 'hs' })).setProtectedHeader({ alg: 'HS256', typ: 'logout+jwt', kid: 'k1' })
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)))
    expect(await refusedBecause(hs)).toBe('signatureOrClaims')
  })

  it('keeps a refused token’s jti usable: a forgery cannot block the real logout', async () => {
    const expected = expectations()
    expect(await checkLogoutToken(await sign(claims({ jti: 'shared' }), otherKey), expected)).toMatchObject({ outcome: 'refused' })
    expect(await checkLogoutToken(await sign(claims({ jti: 'shared', nonce: 'x' })), expected)).toMatchObject({ outcome: 'refused', reason: 'nonce' })
    expect(await checkLogoutToken(await sign(claims({ jti: 'shared' })), expected)).toMatchObject({ outcome: 'accepted' })
  })
})
