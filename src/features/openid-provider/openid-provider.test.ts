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
import { purgeExpiredRows } from '../../kernel/db/expired-rows.ts'
import { rotateProviderKeys } from './keys.ts'
import { flowContext } from '../../kernel/flow-context.ts'
import { createSession } from '../sessions/index.ts'

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
    expect(claims).toMatchObject({ email, given_name: 'Claire', family_name: 'Dupont', bamara_role: 'user' })
    expect((claims?.bamara_sites as Array<{ id: string }>).map((s) => s.id).sort()).toEqual([hospitals.a.siteIds[0], hospitals.a.siteIds[1]].sort())

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, accountId)
    expect(userinfo).toMatchObject({ sub: accountId, email, email_verified: true, given_name: 'Claire', family_name: 'Dupont', bamara_role: 'user' })
    expect((userinfo.bamara_sites as Array<{ id: string }>).map((s) => s.id).sort()).toEqual([hospitals.a.siteIds[0], hospitals.a.siteIds[1]].sort())
    expect(userinfo.bamara_hospitals).toEqual([{ id: hospitals.a.id, name: 'CHU de Test A', finess: '750712184' }])
    expect(userinfo.bamara_managed_hospitals).toEqual([])

    expect(tokens.refresh_token).toBeTruthy()
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string)
    expect(refreshed.refresh_token).toBeTruthy()
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
    // The first refresh token was used: presenting it again revokes the whole family.
    await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' })
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' })
    await expect(client.fetchUserInfo(config, refreshed.access_token, accountId)).rejects.toThrow()
  })

  it('names the hospitals a manager manages: a manager of A holding a data site at B manages A only', async () => {
    const email = 'gestion.multi@chu-a.fr'
    const accountId = await createAccount(t.db, { email, siteIds: [hospitals.a.adminSiteId, hospitals.b.siteIds[0] as string] })
    const start = await startAuthorization(config, redirectUri)
    const tokens = await client.authorizationCodeGrant(config, await signInThroughPortal(t, new HttpBrowser(t.issuer), start, email), { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce })
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, accountId)
    expect(userinfo).toMatchObject({ bamara_role: 'account_manager', bamara_managed_hospitals: [{ id: hospitals.a.id, name: 'CHU de Test A', finess: '750712184' }] })
    expect(userinfo.bamara_hospitals).toEqual([{ id: hospitals.b.id, name: 'CHU de Test B', finess: '690781810' }])
    expect(tokens.claims()?.bamara_managed_hospitals).toEqual(userinfo.bamara_managed_hospitals)
  })

  it('signs in at once someone already logged in to the portal (single sign-on), and asks again once they logged out', async () => {
    const email = 'sso.user@chu-a.fr'
    const accountId = await createAccount(t.db, { email, siteIds: [hospitals.a.siteIds[0] as string] })
    const browser = new HttpBrowser(t.issuer)
    const first = await startAuthorization(config, redirectUri)
    await signInThroughPortal(t, browser, first, email)
    const codesSent = (await t.db.selectFrom('outbox').select('id').where('recipient', '=', email).execute()).length

    const second = await startAuthorization(config, redirectUri)
    const callback = await signInThroughPortal(t, browser, second)
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: second.verifier, expectedState: second.state, expectedNonce: second.nonce })
    expect(tokens.claims()?.sub).toBe(accountId)
    expect((await t.db.selectFrom('outbox').select('id').where('recipient', '=', email).execute()).length).toBe(codesSent)

    const logout = await browser.post('/deconnexion', {})
    expect(logout.status).toBe(303)
    const third = await startAuthorization(config, redirectUri)
    const { response, location } = await browser.visit(third.url)
    expect(location).toBeUndefined()
    expect(new URL(response.url).pathname).toBe('/connexion')
  })

  it('gives no code to an account that is not active, and no token once it is deactivated', async () => {
    const pending = 'pending.user@chu-a.fr'
    await createAccount(t.db, { email: pending, siteIds: [hospitals.a.siteIds[0] as string], state: 'pendingActivation' })
    const browser = new HttpBrowser(t.issuer)
    const start = await startAuthorization(config, redirectUri)
    await expect(signInThroughPortal(t, browser, start, pending)).rejects.toThrow(/password step: 403/)

    const email = 'soon.deactivated@chu-a.fr'
    const accountId = await createAccount(t.db, { email, siteIds: [hospitals.a.siteIds[0] as string] })
    const other = new HttpBrowser(t.issuer)
    const second = await startAuthorization(config, redirectUri)
    const callback = await signInThroughPortal(t, other, second, email)
    await t.db.updateTable('account').set({ deactivated_at: t.clock.now() }).where('id', '=', accountId).execute()
    await expect(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: second.verifier, expectedState: second.state, expectedNonce: second.nonce }))
      .rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('refuses an unregistered redirect URI, a request without PKCE, a wrong client secret and a reused code', async () => {
    const browser = new HttpBrowser(t.issuer)
    const wrongRedirect = await startAuthorization(config, 'https://fiches.example/callback/other')
    const refused = await browser.get(wrongRedirect.url.pathname + wrongRedirect.url.search)
    expect(refused.status).toBe(400)
    expect(refused.headers.get('location')).toBeNull()
    expect(await refused.text()).toContain('Connexion impossible')

    const withoutPkce = new URL(`${t.issuer}/oidc/auth`)
    withoutPkce.search = new URLSearchParams({ client_id: registered.clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', state: 'xyz' }).toString()
    const noPkce = await browser.get(withoutPkce.pathname + withoutPkce.search)
    expect(noPkce.status).toBe(303)
    const errorRedirect = new URL(noPkce.headers.get('location') as string)
    expect(errorRedirect.origin + errorRedirect.pathname).toBe(redirectUri)
    expect(errorRedirect.searchParams.get('error')).toBe('invalid_request')

    const implicit = new URL(withoutPkce)
    implicit.searchParams.set('response_type', 'id_token token')
    const noImplicit = await browser.get(implicit.pathname + implicit.search)
    // The error of an implicit request goes in the fragment.
    expect(noImplicit.headers.get('location')).toMatch(/^https:\/\/fiches\.example\/callback.*error=unsupported_response_type/)

    const email = 'refusals@chu-a.fr'
    await createAccount(t.db, { email, siteIds: [hospitals.a.siteIds[0] as string] })
    const start = await startAuthorization(config, redirectUri)
    const callback = await signInThroughPortal(t, browser, start, email)
    const wrongSecret = await clientConfiguration(t.issuer, registered.clientId, 'not-the-secret-at-all-0123456789abcdefghijk')
    await expect(client.authorizationCodeGrant(wrongSecret, callback, { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce }))
      .rejects.toMatchObject({ status: 401, cause: [{ parameters: { error: 'invalid_client' } }] })
    await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce })
    await expect(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce }))
      .rejects.toMatchObject({ error: 'invalid_grant' })

    const password = await fetch(`${t.issuer}/oidc/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${registered.clientId}:${registered.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: email, password: 'x' }),
    })
    expect(password.status).toBe(400)
    expect(await password.json()).toMatchObject({ error: 'unsupported_grant_type' })
  })

  it('lets one of two parallel refreshes with the same token through, and revokes the family', async () => {
    const email = 'parallel@chu-a.fr'
    await createAccount(t.db, { email, siteIds: [hospitals.a.siteIds[0] as string] })
    const start = await startAuthorization(config, redirectUri)
    const callback = await signInThroughPortal(t, new HttpBrowser(t.issuer), start, email)
    const checks = { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce }
    const exchanges = await Promise.allSettled([client.authorizationCodeGrant(config, callback, checks), client.authorizationCodeGrant(config, callback, checks)])
    const tokens = exchanges.find((e) => e.status === 'fulfilled')?.value
    expect(exchanges.filter((e) => e.status === 'fulfilled')).toHaveLength(1)
    const refreshes = await Promise.allSettled([1, 2, 3].map(() => client.refreshTokenGrant(config, tokens?.refresh_token as string)))
    expect(refreshes.filter((r) => r.status === 'fulfilled').length).toBeLessThanOrEqual(1)
    for (const r of refreshes) if (r.status === 'rejected') expect(r.reason).toMatchObject({ error: 'invalid_grant' })
    const winner = refreshes.find((r) => r.status === 'fulfilled')
    if (winner?.status === 'fulfilled') await expect(client.refreshTokenGrant(config, winner.value.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('shows a site change in the next userinfo and the next tokens', async () => {
    const email = 'site.change@chu-a.fr'
    const [siteA, siteB] = [hospitals.a.siteIds[0] as string, hospitals.b.siteIds[0] as string]
    const accountId = await createAccount(t.db, { email, siteIds: [siteA] })
    const browser = new HttpBrowser(t.issuer)
    const start = await startAuthorization(config, redirectUri)
    const tokens = await client.authorizationCodeGrant(config, await signInThroughPortal(t, browser, start, email), { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce })
    const siteIds = async (accessToken: string) => ((await client.fetchUserInfo(config, accessToken, accountId)).bamara_sites as Array<{ id: string }>).map((s) => s.id)
    expect(await siteIds(tokens.access_token)).toEqual([siteA])
    await t.db.insertInto('account_site').values({ account_id: accountId, site_id: siteB, added_at: t.clock.now(), added_by: null }).execute()
    await t.db.deleteFrom('account_site').where('account_id', '=', accountId).where('site_id', '=', siteA).execute()
    expect(await siteIds(tokens.access_token)).toEqual([siteB])
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string)
    expect(await siteIds(refreshed.access_token)).toEqual([siteB])
    expect((refreshed.claims()?.bamara_sites as Array<{ id: string }>).map((s) => s.id)).toEqual([siteB])
  })

  const postLogout = 'https://fiches.example/au-revoir'

  /** A client with a post-logout address, and a user signed in to it through the portal. */
  async function signedInToLoggingOutClient (email: string) {
    const rp = await registerTestClient(t, { redirectUris: [redirectUri], postLogoutRedirectUris: [postLogout] })
    const rpConfig = await clientConfiguration(t.issuer, rp.clientId, rp.clientSecret as string)
    await createAccount(t.db, { email, siteIds: [hospitals.a.siteIds[0] as string] })
    const browser = new HttpBrowser(t.issuer)
    const start = await startAuthorization(rpConfig, redirectUri)
    const tokens = await client.authorizationCodeGrant(rpConfig, await signInThroughPortal(t, browser, start, email), { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce })
    return { rpConfig, browser, tokens }
  }

  it('ends the portal session too when a relying party asks for the logout (RP-initiated logout)', async () => {
    const { rpConfig, browser, tokens } = await signedInToLoggingOutClient('rp.logout@chu-a.fr')
    expect((await browser.get('/mon-compte')).status).toBe(200)

    const endSession = client.buildEndSessionUrl(rpConfig, { id_token_hint: tokens.id_token as string, post_logout_redirect_uri: postLogout, state: 'fin' })
    const confirmPage = await browser.get(endSession.pathname + endSession.search)
    expect(confirmPage.status).toBe(200)
    const page = await confirmPage.text()
    expect(page).toContain('Se déconnecter ?')
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1] as string
    const confirmed = await browser.post('/oidc/session/end/confirm', { xsrf, logout: 'yes' })
    expect(confirmed.status).toBe(303)
    expect(confirmed.headers.get('location')).toBe(`${postLogout}?state=fin`)
    // The portal session ended with it.
    const portal = await browser.get('/mon-compte')
    expect(portal.status).toBe(303)
    expect(portal.headers.get('location')).toMatch(/^\/connexion/)
  })

  it('keeps the portal session when the user answers « Non, rester connecté », ending that application\'s sign-in only', async () => {
    const { rpConfig, browser, tokens } = await signedInToLoggingOutClient('rester.connecte@chu-a.fr')
    const endSession = client.buildEndSessionUrl(rpConfig, { id_token_hint: tokens.id_token as string, post_logout_redirect_uri: postLogout })
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await (await browser.get(endSession.pathname + endSession.search)).text())?.[1] as string
    expect((await browser.post('/oidc/session/end/confirm', { xsrf })).status).toBe(303)
    expect((await browser.get('/mon-compte')).status).toBe(200)
    await expect(client.refreshTokenGrant(rpConfig, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('never ends the portal session from a logout link nobody confirmed (a session with no application signed in)', async () => {
    const accountId = await createAccount(t.db, { email: 'portail.seul@chu-a.fr', siteIds: [hospitals.a.siteIds[0] as string] })
    const browser = new HttpBrowser(t.issuer)
    browser.cookies.set(t.app.sessionCookie, await createSession(t.db, accountId, t.clock.now()))
    // The library answers such a link with a form that posts itself: what a browser would do.
    const selfPosting = await (await browser.get('/oidc/session/end')).text()
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(selfPosting)?.[1] as string
    expect(selfPosting).toContain('name="logout" value="yes"')
    expect((await browser.post('/oidc/session/end/confirm', { xsrf, logout: 'yes' })).status).toBe(303)
    expect((await browser.get('/mon-compte')).status).toBe(200)
  })

  it('dates the sign-in from the portal login (auth_time), and never lets its tokens outlive that login\'s session', async () => {
    const accountId = await createAccount(t.db, { email: 'ancienne.session@chu-a.fr', siteIds: [hospitals.a.siteIds[0] as string] })
    const rules = t.config.rules
    // Logged in to the portal 11 h 50 ago (absolute timeout: 12 h), active a minute ago.
    const loggedInAt = Date.now() - rules.sessionAbsoluteTimeout + 10 * 60_000
    const browser = new HttpBrowser(t.issuer)
    const token = await createSession(t.db, accountId, loggedInAt)
    await t.db.updateTable('session').set({ last_seen_at: Date.now() - 60_000 }).where('account_id', '=', accountId).execute()
    browser.cookies.set(t.app.sessionCookie, token)
    // max_age asks for auth_time in the ID token.
    const start = await startAuthorization(config, redirectUri, undefined, { max_age: String(rules.sessionAbsoluteTimeout / 1000) })
    const tokens = await client.authorizationCodeGrant(config, await signInThroughPortal(t, browser, start), { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce })
    expect(tokens.claims()?.auth_time).toBe(Math.floor(loggedInAt / 1000))
    const signOnEnd = loggedInAt + rules.sessionAbsoluteTimeout
    const expiries = async (model: string) => (await t.db.selectFrom('oidc_payload').select('expires_at').where('model', '=', model).where('account_id', '=', accountId).execute()).map((r) => Number(r.expires_at))
    for (const expiry of [...await expiries('RefreshToken'), ...await expiries('Session')]) {
      expect(expiry).toBeLessThanOrEqual(signOnEnd + 1_000)
      expect(expiry).toBeGreaterThan(signOnEnd - 60_000)
    }
    // Rotation gives no more time.
    await client.refreshTokenGrant(config, tokens.refresh_token as string)
    expect(Math.max(...await expiries('RefreshToken'))).toBeLessThanOrEqual(signOnEnd + 1_000)
  })

  it('asks the password and the code again when the client wants a login now (prompt=login) or more recent than max_age', async () => {
    const email = 'reauthentification@chu-a.fr'
    const accountId = await createAccount(t.db, { email, siteIds: [hospitals.a.siteIds[0] as string] })
    const loggedInAt = Date.now() - 10 * 60_000
    const browser = new HttpBrowser(t.issuer)
    browser.cookies.set(t.app.sessionCookie, await createSession(t.db, accountId, loggedInAt))
    await t.db.updateTable('session').set({ last_seen_at: Date.now() }).where('account_id', '=', accountId).execute()
    const codesSent = async () => (await t.db.selectFrom('outbox').select('id').where('recipient', '=', email).execute()).length
    const exchange = async (start: Awaited<ReturnType<typeof startAuthorization>>, callback: URL) =>
      await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce })

    // A login 10 minutes old answers max_age=3600 at once, with its own time.
    const recentEnough = await startAuthorization(config, redirectUri, undefined, { max_age: '3600' })
    expect((await exchange(recentEnough, await signInThroughPortal(t, browser, recentEnough))).claims()?.auth_time).toBe(Math.floor(loggedInAt / 1000))
    expect(await codesSent()).toBe(0)

    const extras: Array<Record<string, string>> = [{ max_age: '60' }, { prompt: 'login' }]
    for (const extra of extras) {
      const start = await startAuthorization(config, redirectUri, undefined, extra)
      const asked = await browser.visit(start.url)
      const page = await asked.response.text()
      expect(new URL(asked.response.url).pathname, page).toBe('/connexion')
      expect(page).toContain('L’application demande que vous confirmiez votre identité')
      expect(page).toContain(`value="${email}"`)
      const before = Math.floor(Date.now() / 1000)
      const tokens = await exchange(start, await signInThroughPortal(t, browser, start, email))
      expect(tokens.claims()?.sub).toBe(accountId)
      expect(tokens.claims()?.auth_time).toBeGreaterThanOrEqual(before)
    }
    expect(await codesSent()).toBe(2)
  })

  it('still asks the password and the code when the older portal session comes back after a visit without it', async () => {
    const accountId = await createAccount(t.db, { email: 'cookie.cache@chu-a.fr', siteIds: [hospitals.a.siteIds[0] as string] })
    const portal = await createSession(t.db, accountId, Date.now() - 10 * 60_000)
    await t.db.updateTable('session').set({ last_seen_at: Date.now() }).where('account_id', '=', accountId).execute()
    const extras: Array<Record<string, string>> = [{ prompt: 'login' }, { max_age: '60' }]
    for (const extra of extras) {
      const browser = new HttpBrowser(t.issuer)
      browser.cookies.set(t.app.sessionCookie, portal)
      const start = await startAuthorization(config, redirectUri, undefined, extra)
      const interaction = (await browser.get(start.url.pathname + start.url.search)).headers.get('location') as string
      browser.cookies.delete(t.app.sessionCookie)
      expect((await browser.get(interaction)).headers.get('location')).toMatch(/^\/connexion\?retour=/)
      browser.cookies.set(t.app.sessionCookie, portal)
      const { response, location } = await browser.follow(await browser.get(interaction))
      expect(location).toBeUndefined()
      expect(new URL(response.url).pathname).toBe('/connexion')
      expect(new URL(response.url).searchParams.get('confirmer')).toBe('1')
    }
  })

  it('lets an unused refresh token die after the idle timeout, as an idle portal session', async () => {
    const email = 'jeton.inactif@chu-a.fr'
    const accountId = await createAccount(t.db, { email, siteIds: [hospitals.a.siteIds[0] as string] })
    const start = await startAuthorization(config, redirectUri)
    const before = Date.now()
    await client.authorizationCodeGrant(config, await signInThroughPortal(t, new HttpBrowser(t.issuer), start, email), { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce })
    const row = await t.db.selectFrom('oidc_payload').select('expires_at').where('model', '=', 'RefreshToken').where('account_id', '=', accountId).executeTakeFirstOrThrow()
    expect(Number(row.expires_at) - before).toBeGreaterThanOrEqual(t.config.rules.sessionIdleTimeout - 1_000)
    expect(Number(row.expires_at) - Date.now()).toBeLessThanOrEqual(t.config.rules.sessionIdleTimeout)
  })

  it('keeps no token, code or secret in clear in its tables or its logs', async () => {
    const email = 'secrets@chu-a.fr'
    await createAccount(t.db, { email, siteIds: [hospitals.a.siteIds[0] as string] })
    const browser = new HttpBrowser(t.issuer)
    const start = await startAuthorization(config, redirectUri)
    const callback = await signInThroughPortal(t, browser, start, email)
    const code = callback.searchParams.get('code') as string
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce })
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string)
    const secrets = [code, tokens.access_token, tokens.refresh_token, refreshed.access_token, refreshed.refresh_token, registered.clientSecret,
      ...[...browser.cookies.entries()].filter(([name]) => name.startsWith('_session')).map(([, value]) => value)] as string[]
    expect(secrets.every((s) => typeof s === 'string' && s.length >= 20)).toBe(true)
    const dump = JSON.stringify([
      await t.db.selectFrom('oidc_payload').selectAll().execute(),
      await t.db.selectFrom('oidc_client').selectAll().execute(),
      await t.db.selectFrom('audit_event').selectAll().execute(),
    ])
    const logs = t.logLines.join('')
    expect(logs.length).toBeGreaterThan(1000)
    for (const secret of secrets) {
      expect(dump).not.toContain(secret)
      expect(logs).not.toContain(secret)
    }
  })
})

describe('OpenID Connect provider: storage retention (daily-tasks)', () => {
  it('purges expired tokens and sessions and retired keys past their publication, and keeps the live ones', async () => {
    const t = await startListeningApp()
    try {
      // The provider and its first keys come with the first request that needs them, not at start.
      expect(await t.db.selectFrom('oidc_key').select('id').execute()).toEqual([])
      expect((await fetch(`${t.issuer}/.well-known/openid-configuration`)).status).toBe(200)
      expect(await t.db.selectFrom('oidc_key').select('id').execute()).toHaveLength(3)
      const live = Date.now() + 3_600_000
      const rows = [
        { model: 'AccessToken', id_digest: 'expired', expires_at: Date.now() - 2 * 86_400_000 },
        { model: 'RefreshToken', id_digest: 'live', expires_at: live },
      ]
      for (const row of rows) {
        await t.db.insertInto('oidc_payload').values({ ...row, payload: '{}', grant_id: null, uid: null, account_id: null, client_id: null, consumed_at: null }).execute()
      }
      const at = (time: number) => flowContext(t.db, t.config, () => time)
      const kids = await rotateProviderKeys(at(Date.now() - 2 * 86_400_000))
      await rotateProviderKeys(at(Date.now()))
      const report = await purgeExpiredRows(t.db, t.config.rules, Date.now())
      expect(report.oidcPayloads).toBe(1)
      expect(report.oidcKeys).toBe(3)
      expect((await t.db.selectFrom('oidc_payload').select('id_digest').execute()).map((r) => r.id_digest)).toEqual(['live'])
      // The keys of the first rotation are still published (retired just now); the initial ones are gone.
      const published = await t.db.selectFrom('oidc_key').select('id').where('retired_at', 'is not', null).execute()
      expect(published.map((r) => r.id).sort()).toEqual(expect.arrayContaining(kids))
      expect(published.some((r) => r.id.startsWith('initial-'))).toBe(false)
    } finally {
      await t.close()
    }
  })
})
