/**
 * Access ends where the records are: a deactivation and a site removed in the console (the real
 * pages) send a back-channel logout to every client where the user has a session, and revoke
 * their refresh tokens. A tiny HTTP receiver plays the client and verifies each logout token with
 * jose against the provider's JWKS. The logout goes once, even when two dispatchers (two
 * instances) run at the same time, and is retried when the client was down.
 */
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as client from 'openid-client'
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose'
import { createAccount, createHospital, createSuperadminAccount, createTwoHospitals } from '../../../test/helpers/fixtures.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { signIn } from '../../../test/helpers/session.ts'
import { lastEmailTo, pathOfLinkIn } from '../../../test/helpers/mailbox.ts'
import { testEngine } from '../../../test/helpers/test-app.ts'
import { HttpBrowser, clientConfiguration, freePort, registerTestClient, signInThroughPortal, startAuthorization, startListeningApp, type ListeningApp } from '../../../test/helpers/openid.ts'
import { BackChannelLogoutDispatcher } from './back-channel-logout.ts'

const redirectUri = 'https://fiches.example/callback'

/** The relying party's back-channel endpoint: records each logout token it verified. */
async function startReceiver () {
  const received: Array<{ payload: JWTPayload; header: Record<string, unknown> }> = []
  const state = { answer: 200, issuer: '' }
  const server = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => { body += String(chunk) })
    request.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token') ?? ''
      void jwtVerify(token, createRemoteJWKSet(new URL(`${state.issuer}/oidc/jwks`)), { issuer: state.issuer, typ: 'logout+jwt' })
        .then(({ payload, protectedHeader }) => {
          if (state.answer === 200) received.push({ payload, header: protectedHeader as Record<string, unknown> })
          response.writeHead(state.answer).end()
        })
        .catch(() => response.writeHead(400).end())
    })
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { received, state, url: `http://127.0.0.1:${port}/backchannel-logout`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

describe(`back-channel logout when access ends (${testEngine})`, () => {
  let t: ListeningApp
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  let hospitals: Awaited<ReturnType<typeof createTwoHospitals>>
  let clientId: string
  let config: client.Configuration
  let manager: TestBrowser
  let superadmin: TestBrowser
  const dispatcher = () => new BackChannelLogoutDispatcher({
    db: t.db, issuer: t.issuer, now: t.clock.now, maximumAttempts: 3, retiredKeyPublication: t.config.rules.oidcRetiredKeyPublication,
    log: { warn: () => {}, error: () => {} },
  })

  beforeAll(async () => {
    t = await startListeningApp()
    receiver = await startReceiver()
    receiver.state.issuer = t.issuer
    hospitals = await createTwoHospitals(t.db)
    const registered = await registerTestClient(t, { redirectUris: [redirectUri], backchannelLogoutUri: receiver.url })
    clientId = registered.clientId
    config = await clientConfiguration(t.issuer, clientId, registered.clientSecret as string)
    manager = new TestBrowser(t.app)
    await signIn(t, manager, await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [hospitals.a.adminSiteId] }))
    superadmin = new TestBrowser(t.app)
    await signIn(t, superadmin, await createSuperadminAccount(t.db))
  })
  afterAll(async () => {
    await t?.close()
    await receiver?.close()
  })

  async function signedInUser (email: string, siteIds: string[]) {
    const accountId = await createAccount(t.db, { email, siteIds })
    const browser = new HttpBrowser(t.issuer)
    const tokens = await signInAt(browser, email)
    return { accountId, browser, tokens, sid: tokens.claims()?.sid as string }
  }

  async function signInAt (browser: HttpBrowser, email: string) {
    const start = await startAuthorization(config, redirectUri)
    return await client.authorizationCodeGrant(config, await signInThroughPortal(t, browser, start, email), { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce })
  }

  const accessEndReasons = async (accountId: string) => (await t.db.selectFrom('audit_event').select('details')
    .where('type', '=', 'oidc.accessEnded').where('target_id', '=', accountId).orderBy('seq').execute()).map((e) => (JSON.parse(String(e.details)) as { reason: string }).reason)

  it('on deactivation: one verified logout token (sub, sid, the back-channel event), and the refresh token refused', async () => {
    const { accountId, tokens, sid } = await signedInUser('desactive@chu-a.fr', [hospitals.a.siteIds[0] as string])
    expect(sid).toBeTruthy()
    const response = await manager.post(`/gestion/comptes/${accountId}/desactiver`, {})
    expect(response.statusCode).toBe(303)
    // Two instances deliver at once: the logout goes once.
    await Promise.all([dispatcher().deliverDue(), dispatcher().deliverDue()])
    const mine = receiver.received.filter((r) => r.payload.sub === accountId)
    expect(mine).toHaveLength(1)
    expect(mine[0]?.payload).toMatchObject({ iss: t.issuer, aud: clientId, sub: accountId, sid, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } })
    expect(mine[0]?.payload.nonce).toBeUndefined()
    await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' })
    await expect(client.fetchUserInfo(config, tokens.access_token, accountId)).rejects.toThrow()
    const types = (await t.db.selectFrom('audit_event').select('type').where('target_id', '=', accountId).orderBy('seq').execute()).map((e) => e.type)
    expect(types).toEqual(expect.arrayContaining(['admin.accountDeactivated', 'oidc.accessEnded', 'oidc.backChannelLogoutSent']))
  })

  it('on a site removed in the console: a logout, the refresh token refused, and a new sign-in without the site', async () => {
    const [kept, removed] = [hospitals.a.siteIds[0] as string, hospitals.a.siteIds[1] as string]
    const email = 'retire@chu-a.fr'
    const { accountId, tokens } = await signedInUser(email, [kept, removed])
    const account = await t.db.selectFrom('account').select(['civility', 'last_name', 'first_name', 'profession_code', 'email']).where('id', '=', accountId).executeTakeFirstOrThrow()
    const saved = await manager.post(`/gestion/comptes/${accountId}`, {
      civilite: account.civility, nom: account.last_name, prenom: account.first_name, profession: account.profession_code, email: account.email,
      ajouter: kept, retirer: removed, valider: '1',
    })
    expect(saved.statusCode).toBe(303)
    await dispatcher().deliverDue()
    expect(receiver.received.filter((r) => r.payload.sub === accountId)).toHaveLength(1)
    await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' })
    const again = await signedInUser2(email)
    expect((again.bamara_sites as Array<{ id: string }>).map((s) => s.id)).toEqual([kept])
  })

  it('on a password reset through the emailed link: a logout and the refresh token refused', async () => {
    const email = 'reinitialise@chu-a.fr'
    const { accountId, tokens } = await signedInUser(email, [hospitals.a.siteIds[0] as string])
    const browser = new TestBrowser(t.app)
    expect((await browser.post('/mot-de-passe-oublie', { email })).statusCode).toBe(303)
    const link = pathOfLinkIn(await lastEmailTo(t.db, email))
    const jeton = new URL(link, 'http://x').searchParams.get('jeton') as string
    const password = 'Cerf-volant-bleu-2026!'
    expect((await browser.post('/reinitialisation', { jeton, nouveauMotDePasse: password, confirmation: password })).statusCode).toBe(303)
    await dispatcher().deliverDue()
    expect(receiver.received.filter((r) => r.payload.sub === accountId)).toHaveLength(1)
    await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' })
    const ended = await t.db.selectFrom('audit_event').select('details').where('type', '=', 'oidc.accessEnded').where('target_id', '=', accountId).executeTakeFirstOrThrow()
    expect(JSON.parse(String(ended.details))).toMatchObject({ reason: 'passwordReset', clients: [clientId] })
  })

  it('on « Déconnexion » in the portal: a logout for that browser\'s session only, its tokens refused, the other browser\'s kept', async () => {
    const email = 'poste.partage@chu-a.fr'
    const { accountId, browser, tokens, sid } = await signedInUser(email, [hospitals.a.siteIds[0] as string])
    const elsewhere = new HttpBrowser(t.issuer)
    const otherTokens = await signInAt(elsewhere, email)
    expect((await browser.post('/deconnexion', {})).status).toBe(303)
    await dispatcher().deliverDue()
    const mine = receiver.received.filter((r) => r.payload.sub === accountId)
    expect(mine.map((r) => r.payload.sid)).toEqual([sid])
    await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' })
    await expect(client.fetchUserInfo(config, tokens.access_token, accountId)).rejects.toThrow()
    expect((await client.refreshTokenGrant(config, otherTokens.refresh_token as string)).access_token).toBeTruthy()
    expect((await elsewhere.get('/mon-compte')).status).toBe(200)
    expect(await accessEndReasons(accountId)).toEqual(['loggedOut'])
    // The next person at the workstation signs in as themselves, with the password and the code.
    const next = await createAccount(t.db, { email: 'collegue@chu-a.fr', siteIds: [hospitals.a.siteIds[0] as string] })
    expect((await signInAt(browser, 'collegue@chu-a.fr')).claims()?.sub).toBe(next)
  })

  it('leaves an application\'s sign-in to its own activity when the portal session expires: no logout, the refresh token still works', async () => {
    const { accountId, browser, tokens } = await signedInUser('inactif.portail@chu-a.fr', [hospitals.a.siteIds[0] as string])
    // Idle on the portal for longer than the timeout (this session only: the manager's stays live).
    await t.db.updateTable('session').set({ last_seen_at: t.clock.now() - t.config.rules.sessionIdleTimeout - 1_000 }).where('account_id', '=', accountId).execute()
    expect((await browser.get('/mon-compte')).headers.get('location')).toMatch(/^\/connexion/)
    await dispatcher().deliverDue()
    expect(receiver.received.filter((r) => r.payload.sub === accountId)).toHaveLength(0)
    expect((await client.refreshTokenGrant(config, tokens.refresh_token as string)).access_token).toBeTruthy()
    // A new sign-in at the application needs a portal login again.
    const start = await startAuthorization(config, redirectUri)
    const { response, location } = await browser.visit(start.url)
    expect(location).toBeUndefined()
    expect(new URL(response.url).pathname).toBe('/connexion')
  })

  it('on an account deleted by a super-administrator: a logout, and none of its tokens left', async () => {
    const email = 'supprime@chu-a.fr'
    const { accountId, tokens } = await signedInUser(email, [hospitals.a.siteIds[0] as string])
    expect((await superadmin.post(`/gestion/comptes/${accountId}/supprimer`, { confirmation: email })).statusCode).toBe(303)
    await dispatcher().deliverDue()
    expect(receiver.received.filter((r) => r.payload.sub === accountId)).toHaveLength(1)
    expect(await t.db.selectFrom('oidc_payload').select('model').where('account_id', '=', accountId).execute()).toEqual([])
    await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' })
    expect(await accessEndReasons(accountId)).toEqual(['accountDeleted'])
  })

  it('on a site archived, then on its hospital archived: a logout for each holder, and sign-ins without what was archived', async () => {
    const c = await createHospital(t.db, 'CHU de Test C', '130783236', 'chu-c.fr')
    const [archivedSite, keptSite] = c.siteIds as [string, string]
    const both = await signedInUser('deux.sites@chu-c.fr', [archivedSite, keptSite])
    const other = await signedInUser('autre.site@chu-c.fr', [keptSite])
    expect((await superadmin.post(`/gestion/referentiel/sites/${archivedSite}/supprimer`, {})).headers.location).toMatch(/fait=archive-au-lieu/)
    await dispatcher().deliverDue()
    expect(receiver.received.filter((r) => r.payload.sub === both.accountId)).toHaveLength(1)
    expect(receiver.received.filter((r) => r.payload.sub === other.accountId)).toHaveLength(0)
    expect(((await signedInUser2('deux.sites@chu-c.fr')).bamara_sites as Array<{ id: string }>).map((s) => s.id)).toEqual([keptSite])

    expect((await superadmin.post(`/gestion/referentiel/etablissements/${c.id}/archiver`, {})).statusCode).toBe(303)
    await dispatcher().deliverDue()
    expect(receiver.received.filter((r) => r.payload.sub === other.accountId)).toHaveLength(1)
    expect((await signedInUser2('autre.site@chu-c.fr')).bamara_sites).toEqual([])
    expect(await accessEndReasons(both.accountId)).toEqual(['siteArchived', 'hospitalArchived'])
  })

  it('retries a logout the client did not accept, and delivers it once it answers', async () => {
    const { accountId } = await signedInUser('retry@chu-a.fr', [hospitals.a.siteIds[0] as string])
    receiver.state.answer = 503
    expect((await manager.post(`/gestion/comptes/${accountId}/desactiver`, {})).statusCode).toBe(303)
    await dispatcher().deliverDue()
    const row = await t.db.selectFrom('oidc_logout_outbox').select(['status', 'attempts', 'last_error']).where('account_id', '=', accountId).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'the client answered 503' })
    receiver.state.answer = 200
    t.clock.advance(60_000)
    await dispatcher().deliverDue()
    expect(receiver.received.filter((r) => r.payload.sub === accountId)).toHaveLength(1)
    expect(await t.db.selectFrom('oidc_logout_outbox').select('status').where('account_id', '=', accountId).executeTakeFirstOrThrow()).toEqual({ status: 'sent' })
  })

  /** Signs the same email in again (the portal asks for the password and code again after the change) and reads userinfo. */
  async function signedInUser2 (email: string) {
    const start = await startAuthorization(config, redirectUri)
    const tokens = await client.authorizationCodeGrant(config, await signInThroughPortal(t, new HttpBrowser(t.issuer), start, email), { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce })
    return await client.fetchUserInfo(config, tokens.access_token, tokens.claims()?.sub as string)
  }
})
