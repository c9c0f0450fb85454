/**
 * The provider's commands for deployment scripts, against a running app sharing their database:
 * a client added by the CLI signs users in; its secret is printed once and never listed; a rotated
 * secret replaces the old one at once; a disabled client gets nothing; rotate-keys publishes new
 * keys beside the old ones. Every change is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as client from 'openid-client'
import { createTestDatabase, testEngine, type TestDatabase } from '../../../test/helpers/test-app.ts'
import { createAccount, createTwoHospitals } from '../../../test/helpers/fixtures.ts'
import { HttpBrowser, clientConfiguration, signInThroughPortal, startAuthorization, startListeningApp, type ListeningApp } from '../../../test/helpers/openid.ts'
import { runCli } from '../../cli.ts'

const redirectUri = 'https://fiches.example/callback'

describe(`OpenID Connect provider: the CLI (${testEngine})`, () => {
  let database: TestDatabase
  let t: ListeningApp
  let siteId: string
  const cli = async (...args: string[]) => {
    const out: string[] = []
    const code = await runCli(args, {
      env: { NODE_ENV: 'test', DEMO_DATA: 'false', ...database.env }, out: (l) => out.push(l), err: (l) => out.push(l),
      readPassword: async () => undefined, now: t.clock.now,
    })
    return { code, out }
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    t = await startListeningApp({ database, rules: { oidcKeyReloadInterval: 0 } })
    siteId = (await createTwoHospitals(t.db)).a.siteIds[0] as string
  })
  afterAll(async () => {
    await t?.close()
    await database?.drop()
  })

  it('adds a client that signs users in, prints its secret once, rotates it and disables the client', async () => {
    const added = await cli('oidc-client', 'add', '--nom', 'Fiches patients', '--redirect-uri', redirectUri, '--backchannel-logout-uri', 'https://fiches.example/logout')
    expect(added.code).toBe(0)
    const clientId = (added.out.find((l) => l.startsWith('client_id : ')) as string).slice('client_id : '.length)
    const secret = added.out.at(-1) as string
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const listed = await cli('oidc-client', 'list')
    expect(listed.out.join('\n')).toContain(clientId)
    expect(listed.out.join('\n')).not.toContain(secret)

    const email = 'cli.user@chu-a.fr'
    await createAccount(t.db, { email, siteIds: [siteId] })
    const config = await clientConfiguration(t.issuer, clientId, secret)
    const start = await startAuthorization(config, redirectUri)
    const callback = await signInThroughPortal(t, new HttpBrowser(t.issuer), start, email)

    const rotated = await cli('oidc-client', 'rotate-secret', clientId)
    expect(rotated.code).toBe(0)
    const newSecret = rotated.out.at(-1) as string
    expect(newSecret).not.toBe(secret)
    await expect(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce }))
      .rejects.toMatchObject({ status: 401 })
    const tokens = await client.authorizationCodeGrant(await clientConfiguration(t.issuer, clientId, newSecret), callback, { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce })
    expect(tokens.access_token).toBeTruthy()

    expect((await cli('oidc-client', 'disable', clientId)).code).toBe(0)
    const refused = await new HttpBrowser(t.issuer).get(start.url.pathname + start.url.search)
    expect(refused.status).toBe(400)
    await expect(client.refreshTokenGrant(await clientConfiguration(t.issuer, clientId, newSecret), tokens.refresh_token as string)).rejects.toMatchObject({ status: 401 })
    expect((await cli('oidc-client', 'disable', clientId)).code).toBe(1)

    const events = await t.db.selectFrom('audit_event').select('type').where('type', 'like', 'oidcClient.%').orderBy('seq').execute()
    expect(events.map((e) => e.type)).toEqual(['oidcClient.registered', 'oidcClient.secretRotated', 'oidcClient.disabled'])
  })

  it('refuses a client with a redirect URI that is not a full address, an unknown scope or no name', async () => {
    expect((await cli('oidc-client', 'add', '--nom', 'X', '--redirect-uri', '/relative')).out.join('\n')).toContain('adresse http(s) complète')
    expect((await cli('oidc-client', 'add', '--nom', 'X', '--redirect-uri', redirectUri, '--scopes', 'openid admin')).code).toBe(1)
    expect((await cli('oidc-client', 'add', '--redirect-uri', redirectUri)).code).toBe(1)
    expect((await cli('oidc-client', 'add', '--nom', 'X', '--inconnue', 'y')).code).toBe(2)
  })

  it('rotate-keys publishes new keys and keeps the old ones in the JWKS', async () => {
    const jwks = async () => (await (await fetch(`${t.issuer}/oidc/jwks`)).json() as { keys: Array<{ kid: string; alg: string }> }).keys
    const before = (await jwks()).map((k) => k.kid)
    expect(before).toHaveLength(2)
    expect((await cli('rotate-keys')).code).toBe(0)
    const after = await jwks()
    expect(after).toHaveLength(4)
    expect(after.map((k) => k.kid)).toEqual(expect.arrayContaining(before))
    // New keys first: they sign from now on.
    expect(before).not.toContain(after[0]?.kid)
  })
})
