/**
 * Client applications in the console (super-administrators): register with the form, the secret
 * shown once and never in the list, renewed, the client disabled; wrong forms answer 400 with
 * French messages; English pages; every change audited. Who may reach these pages is in the
 * console's authorization matrix; hostile input in the fuzzing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { createAccount } from '../../../test/helpers/fixtures.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { signIn } from '../../../test/helpers/session.ts'
import { digestToken } from '../../kernel/security/tokens.ts'
import { findRegistrationProblem } from './clients.ts'

describe(`client applications in the console (${testEngine})`, () => {
  let t: TestApp
  let admin: TestBrowser

  beforeAll(async () => {
    t = await buildTestApp()
    admin = new TestBrowser(t.app)
    await signIn(t, admin, await createAccount(t.db, { email: 'super@bndmr.fr', siteIds: [], isSuperadmin: true }))
  })
  afterAll(async () => { await t?.close() })

  const secretIn = (body: string) => /client_secret<\/dt><dd><code>([A-Za-z0-9_-]{43})<\/code>/.exec(body)?.[1]

  it('registers a client, shows its secret once, renews it and disables the client, each change audited', async () => {
    expect((await admin.get('/gestion')).body).toContain('href="/gestion/applications"')
    const created = await admin.post('/gestion/applications', {
      nom: 'Fiches patients', redirections: 'https://fiches.example/callback\r\nhttps://fiches.example/autre', deconnexions: 'https://fiches.example/',
      backchannel: 'https://fiches.example/backchannel', scopes: ['email', 'bamara'],
    })
    expect(created.statusCode).toBe(200)
    expect(created.headers['cache-control']).toBe('no-store')
    const secret = secretIn(created.body) as string
    expect(secret).toBeDefined()
    const row = await t.db.selectFrom('oidc_client').selectAll().executeTakeFirstOrThrow()
    expect(row).toMatchObject({ name: 'Fiches patients', scopes: 'openid email bamara', secret_digest: digestToken(secret), backchannel_logout_uri: 'https://fiches.example/backchannel' })
    expect(JSON.parse(row.redirect_uris)).toEqual(['https://fiches.example/callback', 'https://fiches.example/autre'])
    const list = await admin.get('/gestion/applications')
    expect(list.body).toContain('Fiches patients')
    expect(list.body).toContain(row.id)
    expect(list.body).not.toContain(secret)

    const renewed = await admin.post(`/gestion/applications/${row.id}/secret`, {})
    const newSecret = secretIn(renewed.body) as string
    expect(newSecret).not.toBe(secret)
    expect((await t.db.selectFrom('oidc_client').select('secret_digest').executeTakeFirstOrThrow()).secret_digest).toBe(digestToken(newSecret))

    const disabled = await admin.post(`/gestion/applications/${row.id}/desactiver`, {})
    expect(disabled.statusCode).toBe(303)
    expect((await admin.get(disabled.headers.location as string)).body).toContain('L’application est désactivée')
    expect((await admin.post(`/gestion/applications/${row.id}/desactiver`, {})).statusCode).toBe(404)
    expect((await admin.post(`/gestion/applications/${row.id}/secret`, {})).statusCode).toBe(404)
    const events = await t.db.selectFrom('audit_event').select(['type', 'actor_id', 'details']).where('type', 'like', 'oidcClient.%').orderBy('seq').execute()
    expect(events.map((e) => e.type)).toEqual(['oidcClient.registered', 'oidcClient.secretRotated', 'oidcClient.disabled'])
    expect(JSON.stringify(events)).not.toContain(secret)
  })

  it('refuses a form without a redirect address, with a relative one or with an unknown scope: 400 and the message', async () => {
    const noRedirect = await admin.post('/gestion/applications', { nom: 'Sans retour', redirections: '' })
    expect(noRedirect.statusCode).toBe(400)
    expect(noRedirect.body).toContain('Indiquez au moins une adresse de retour.')
    expect(noRedirect.body).toContain('value="Sans retour"')
    const relative = await admin.post('/gestion/applications', { nom: 'Relative', redirections: '/callback' })
    expect(relative.statusCode).toBe(400)
    expect(relative.body).toContain('adresse http(s) complète')
    const scope = await admin.post('/gestion/applications', { nom: 'Scope', redirections: 'https://x.example/cb', scopes: 'admin' })
    expect(scope.statusCode).toBe(400)
    expect(await t.db.selectFrom('oidc_client').select('id').where('name', 'in', ['Sans retour', 'Relative', 'Scope']).execute()).toEqual([])
  })

  it('asks for https in production and compares redirect addresses exactly', () => {
    const registration = { name: 'X', redirectUris: ['http://fiches.example/cb'], postLogoutRedirectUris: [], scopes: ['openid'] }
    expect(findRegistrationProblem(registration, true)).toBe('httpsRequired')
    expect(findRegistrationProblem(registration, false)).toBeUndefined()
    expect(findRegistrationProblem({ ...registration, redirectUris: ['https://fiches.example/cb#x'] }, true)).toBe('uriInvalid')
  })

  it('speaks English to an English browser', async () => {
    const english = new TestBrowser(t.app, { 'accept-language': 'en' })
    await signIn(t, english, await createAccount(t.db, { email: 'super2@bndmr.fr', siteIds: [], isSuperadmin: true }))
    const page = await english.get('/gestion/applications')
    expect(page.body).toContain('<html lang="en">')
    expect(page.body).toContain('Client applications (OpenID Connect)')
    expect(page.body).toContain('Register the application')
  })
})
