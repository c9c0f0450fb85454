/**
 * The OpenID Connect provider as production runs it: the bundled dist/server.js (scripts/build.mjs),
 * where the provider is a chunk loaded by the first /oidc request. The feature's own tests run the
 * sources; this one catches what only the build can break (a library that reads its class names
 * at run time broke once when the bundle was minified without keeping them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as client from 'openid-client'
import { createTestDatabase, testConfig, type TestDatabase } from '../helpers/test-app.ts'
import { freePort, startServer, type ServerProcess } from '../helpers/processes.ts'
import { HttpBrowser, clientConfiguration, startAuthorization } from '../helpers/openid.ts'
import { createAccount, createTwoHospitals } from '../helpers/fixtures.ts'
import { openDatabase, type DatabaseHandle } from '../../src/kernel/db/database.ts'
import { createSession } from '../../src/features/sessions/index.ts'
import { registerClient } from '../../src/features/openid-provider/index.ts'

const redirectUri = 'https://fiches.example/callback'

describe('OpenID Connect provider in the built server (dist/server.js)', () => {
  let database: TestDatabase
  let server: ServerProcess
  let handle: DatabaseHandle
  let issuer: string

  beforeAll(async () => {
    database = await createTestDatabase()
    const port = await freePort()
    issuer = `http://127.0.0.1:${port}`
    server = await startServer({ ...database.env, PORT: String(port), APP_BASE_URL: issuer })
    const config = testConfig(database.env)
    handle = openDatabase({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile })
  }, 90_000)

  afterAll(async () => {
    await server?.stop()
    await handle?.close()
    await database?.drop()
  })

  it('signs a portal session in to a client: code, PKCE, ID token with the sites, userinfo, refresh', async () => {
    const hospitals = await createTwoHospitals(handle.db)
    const accountId = await createAccount(handle.db, { email: 'claire.dupont@chu-a.fr', siteIds: [hospitals.a.siteIds[0] as string] })
    const registered = await registerClient(handle.db, {
      name: 'Fiches patients', redirectUris: [redirectUri], postLogoutRedirectUris: [], scopes: ['openid', 'email', 'profile', 'bamara'],
    }, { accountId: null }, Date.now())
    const browser = new HttpBrowser(issuer)
    browser.cookies.set('session', await createSession(handle.db, accountId, Date.now()))

    const config = await clientConfiguration(issuer, registered.clientId, registered.clientSecret as string)
    const start = await startAuthorization(config, redirectUri)
    const { location } = await browser.visit(start.url)
    expect(location).toMatch(/^https:\/\/fiches\.example\/callback\?code=/)
    const tokens = await client.authorizationCodeGrant(config, new URL(location as string), { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce })
    expect(tokens.claims()).toMatchObject({ sub: accountId, iss: issuer, bamara_role: 'user', bamara_sites: [expect.objectContaining({ id: hospitals.a.siteIds[0] })] })
    expect(await client.fetchUserInfo(config, tokens.access_token, accountId)).toMatchObject({ sub: accountId, email: 'claire.dupont@chu-a.fr' })
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string)
    expect(refreshed.access_token).toBeTruthy()
  }, 60_000)
})
