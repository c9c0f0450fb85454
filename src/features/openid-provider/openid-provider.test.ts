/**
 * The OpenID Connect provider end to end, with openid-client against the running app, on the
 * engine TEST_DB names: discovery, code + PKCE through the portal's login, claims, userinfo,
 * refresh-token rotation, single sign-on, and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as client from 'openid-client'
import { createTwoHospitals, createAccount } from '../../../test/helpers/fixtures.ts'
import {
  HttpBrowser, clientConfiguration, registerTestClient, signInThroughPortal, startAuthorization, startListeningApp, type ListeningApp,
} from '../../../test/helpers/openid.ts'

const redirectUri = 'https://fiches.example/callback'

describe('OpenID Connect provider', () => {
  let t: ListeningApp
  let hospitals: Awaited<ReturnType<typeof createTwoHospitals>>
  let registered: { clientId: string; clientSecret: string | undefined }
  let config: client.Configuration

  beforeAll(async () => {
    t = await startListeningApp()
    hospitals = await createTwoHospitals(t.db)
    registered = await registerTestClient(t, { redirectUris: [redirectUri] })
    config = await clientConfiguration(t.issuer, registered.clientId, registered.clientSecret as string)
  })
  afterAll(async () => { await t?.close() })

  it('publishes its discovery at the issuer: code flow with S256, back-channel logout, the bamara scope', async () => {
    const response = await fetch(`${t.issuer}/.well-known/openid-configuration`)
    expect(response.status).toBe(200)
    const discovery = await response.json() as Record<string, unknown>
    expect(discovery.issuer).toBe(t.issuer)
    expect(discovery.response_types_supported).toEqual(['code'])
    expect(discovery.code_challenge_methods_supported).toEqual(['S256'])
    expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']))
    expect(discovery.grant_types_supported).not.toContain('implicit')
    expect(discovery.grant_types_supported).not.toContain('password')
    expect(discovery.registration_endpoint).toBeUndefined()
    expect(discovery.backchannel_logout_supported).toBe(true)
    expect(discovery.end_session_endpoint).toBe(`${t.issuer}/oidc/session/end`)
    expect(discovery.scopes_supported).toEqual(expect.arrayContaining(['openid', 'bamara']))
    expect(discovery.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'private_key_jwt'])
    expect(discovery.id_token_signing_alg_values_supported).toEqual(['ES256', 'RS256'])
    const jwks = await (await fetch(discovery.jwks_uri as string)).json() as { keys: Array<Record<string, unknown>> }
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256'])
    for (const key of jwks.keys) expect(key.d).toBeUndefined()
  })

  it('signs in through the portal login (code + PKCE), then gives the claims, userinfo and rotating refresh tokens', async () => {
    const email = 'claire.dupont@chu-a.fr'
    const accountId = await createAccount(t.db, { email, siteIds: [hospitals.a.siteIds[0] as string, hospitals.a.siteIds[1] as string] })
    const browser = new HttpBrowser(t.issuer)
    const start = await startAuthorization(config, redirectUri)
    const callback = await signInThroughPortal(t, browser, start, email)
    expect(callback.origin + callback.pathname).toBe(redirectUri)

    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce })
    const claims = tokens.claims()
    expect(claims?.sub).toBe(accountId)
    expect(claims?.iss).toBe(t.issuer)

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, accountId)
    expect(userinfo).toMatchObject({ sub: accountId, email, email_verified: true, given_name: 'Claire', family_name: 'Dupont', bamara_role: 'user' })
    expect((userinfo.bamara_sites as Array<{ id: string }>).map((s) => s.id).sort()).toEqual([hospitals.a.siteIds[0], hospitals.a.siteIds[1]].sort())
    expect(userinfo.bamara_hospitals).toEqual([{ id: hospitals.a.id, name: 'CHU de Test A', finess: '750712184' }])

    expect(tokens.refresh_token).toBeTruthy()
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string)
    expect(refreshed.refresh_token).toBeTruthy()
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
    // The first refresh token was used: presenting it again revokes the whole family.
    await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' })
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' })
    await expect(client.fetchUserInfo(config, refreshed.access_token, accountId)).rejects.toThrow()
  })
})
