/**
 * What a request body may cost before any check (ASVS 13.1.x, checklist « body limit »): the
 * body is read and parsed before the CSRF check and the rate limits, so an anonymous client
 * must not be able to make that expensive. Only urlencoded forms are read, at most
 * `formLimits.bodyBytes` bytes and `formLimits.fields` fields: more is a 413 page, any other
 * media type (JSON, text, multipart) a 415 page, both in the request's language and writing
 * nothing. The largest legitimate forms (the access review with 200 accounts ticked, a
 * registration at every field's maximum) still go through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LightMyRequestResponse } from 'fastify'
import { testEngine, type TestApp } from '../helpers/test-app.ts'
import { createAccount, createHospital, createSite, type TestHospital } from '../helpers/fixtures.ts'
import { TestBrowser } from '../helpers/browser.ts'
import { signIn } from '../helpers/session.ts'
import { days } from '../../src/config.ts'
import { formLimits } from '../../src/kernel/web/plugin.ts'
import { countRows, expectNoLeak, send } from './security-helpers.ts'
import { startWithTwoHospitals } from '../helpers/suite.ts'

const form = 'application/x-www-form-urlencoded'

function expectErrorPage (response: LightMyRequestResponse, status: number, lang: 'fr' | 'en', message: string) {
  expect(response.statusCode).toBe(status)
  expect(String(response.headers['content-type'])).toMatch(/^text\/html/)
  expect(response.body).toContain(`<html lang="${lang}">`)
  expect(response.body).toContain(message)
  expect(expectNoLeak(response.body)).toBeUndefined()
}

describe(`request bodies: size, field count and media type (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let browser: TestBrowser
  let csrf = ''
  const post = (payload: string, contentType: string, headers: Record<string, string> = {}) =>
    send(t.app, { method: 'POST', url: '/connexion', payload, contentType, cookies: browser.cookies, headers })

  beforeAll(async () => {
    ;({ t, a } = await startWithTwoHospitals())
    await createAccount(t.db, { email: 'claire.dupont@chu-a.fr', siteIds: [a.siteIds[0] as string] })
    browser = new TestBrowser(t.app)
    csrf = await browser.csrfToken()
  })
  afterAll(async () => { await t?.close() })

  it('answers a 17 KB form with the 413 page, in French or in English, and writes nothing', async () => {
    const before = await countRows(t.db)
    const payload = new URLSearchParams({ _csrf: csrf, email: 'claire.dupont@chu-a.fr', password: 'x'.repeat(17 * 1024) }).toString()
    expectErrorPage(await post(payload, form), 413, 'fr', 'Les données envoyées sont trop volumineuses.')
    expectErrorPage(await post(payload, form, { 'accept-language': 'en' }), 413, 'en', 'The data sent is too large.')
    expect(await countRows(t.db)).toEqual(before)
  })

  it('answers 100,000 fields with a 413 without parsing them, and too many fields within the size limit too', async () => {
    const before = await countRows(t.db)
    const huge = `_csrf=${csrf}&email=a%40chu-a.fr&password=x&${'a=1&'.repeat(100_000)}`
    const started = performance.now()
    expectErrorPage(await post(huge, form), 413, 'fr', 'Les données envoyées sont trop volumineuses.')
    const small = `_csrf=${csrf}&email=a%40chu-a.fr&password=x&${'a&'.repeat(formLimits.fields)}`
    expect(Buffer.byteLength(small)).toBeLessThan(formLimits.bodyBytes)
    expectErrorPage(await post(small, form), 413, 'fr', 'Les données envoyées sont trop volumineuses.')
    // Refused from the Content-Length or while counting separators: no request costs a parse of its fields.
    expect(performance.now() - started).toBeLessThan(1000)
    expect(await countRows(t.db)).toEqual(before)
  })

  it('does not read JSON, plain text or multipart bodies: a 415 page, the body never parsed', async () => {
    const before = await countRows(t.db)
    const attempts = await t.db.selectFrom('rate_limit').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const json = JSON.stringify({ _csrf: csrf, email: 'claire.dupont@chu-a.fr', password: 'mauvais' })
    expectErrorPage(await post(json, 'application/json', { 'x-csrf-token': csrf }), 415, 'fr', 'Demande invalide')
    expectErrorPage(await post(json, 'application/json; charset=utf-8', { 'x-csrf-token': csrf, 'accept-language': 'en' }), 415, 'en', 'Invalid request')
    // A deeply nested megabyte of JSON: refused on its media type, before its size is even read.
    const nested = '['.repeat(500_000) + ']'.repeat(500_000)
    expectErrorPage(await post(nested, 'application/json', { 'x-csrf-token': csrf }), 415, 'fr', 'Demande invalide')
    expectErrorPage(await post('email=claire.dupont@chu-a.fr', 'text/plain', { 'x-csrf-token': csrf }), 415, 'fr', 'Demande invalide')
    const multipart = '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nclaire.dupont@chu-a.fr\r\n--x--\r\n'
    expectErrorPage(await post(multipart, 'multipart/form-data; boundary=x', { 'x-csrf-token': csrf }), 415, 'fr', 'Demande invalide')
    // The login step never ran: no attempt counted, no failed password on the account.
    expect(await t.db.selectFrom('rate_limit').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual(attempts)
    expect(await countRows(t.db)).toEqual(before)
    const account = await t.db.selectFrom('account').select('failed_password_count').where('email', '=', 'claire.dupont@chu-a.fr').executeTakeFirstOrThrow()
    expect(account.failed_password_count).toBe(0)
  })

  it('still takes the largest legitimate form: « Confirmer les droits » with 200 accounts ticked', async () => {
    const activatedAt = t.clock.now()
    const manager = await createAccount(t.db, { email: 'gestion@chu-a.fr', siteIds: [a.adminSiteId], now: activatedAt })
    for (let i = 0; i < 200; i++) {
      await createAccount(t.db, { email: `revue.${i}@chu-a.fr`, siteIds: [a.siteIds[i % 3] as string], now: activatedAt })
    }
    t.clock.advance(days(366))
    const console = new TestBrowser(t.app)
    await signIn(t, console, manager)
    const page = await console.get('/gestion/revue-des-droits')
    const ticked = [...page.body.matchAll(/name="comptes" value="([^"]+)" form="revue-groupee"/g)].map((m) => m[1] as string)
    expect(ticked.length).toBe(200)
    const body = new URLSearchParams([['_csrf', await console.csrfToken()], ...ticked.map((id) => ['comptes', id])]).toString()
    expect(Buffer.byteLength(body)).toBeGreaterThan(8 * 1024)
    const done = await console.post('/gestion/revue-des-droits/confirmer', { comptes: ticked })
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe('/gestion/revue-des-droits?fait=200')
  })

  it('still takes a registration at every field’s maximum: 200 sites, 100-letter names, a 256-character password', async () => {
    const big = await createHospital(t.db, 'CHU de Test C', '130783293', 'chu-c.fr')
    const sites: string[] = []
    for (let i = 0; i < 200; i++) sites.push(await createSite(t.db, big.id, { title: `Centre ${i}`, kind: 'crc' }))
    const password = Array.from({ length: 256 }, (_, i) => 'Éèàç-7'[i % 6]).join('')
    const registration = {
      civilite: 'mme', nom: 'é'.repeat(100), prenom: 'è'.repeat(100), email: `${'a'.repeat(64)}@chu-c.fr`,
      motDePasse: password, confirmationMotDePasse: password, profession: 'medecin', hopital: big.id, sites, cgu: 'oui',
    }
    const anonymous = new TestBrowser(t.app)
    const body = new URLSearchParams([['_csrf', await anonymous.csrfToken()], ...Object.entries(registration).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, x]))])
    expect(Buffer.byteLength(body.toString())).toBeGreaterThan(12 * 1024)
    const response = await anonymous.post('/inscription', registration)
    expect(response.statusCode, response.body.slice(0, 2000)).toBe(303)
    expect(response.headers.location).toBe('/inscription/envoyee')
  })
})
