import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { composeEmail } from '../../kernel/mail/compose.ts'
import { enqueueMail } from '../../kernel/mail/outbox.ts'
import { seconds } from '../../config.ts'

describe(`dev mailbox (${testEngine})`, () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() })
  afterAll(async () => { await t.close() })

  const queue = (to: string, subject: string, paragraphs: string[], url = 'http://bamara.test/confirmation?jeton=abc&x=1') =>
    t.db.transaction().execute((tx) => enqueueMail(tx, composeEmail(t.app.mailContext, {
      template: 'emailConfirmation', to, subject, greeting: 'anyone', paragraphs, action: { label: 'Confirmer mon adresse email', url },
    }), t.clock.now()))
  const get = (url: string) => t.app.inject({ method: 'GET', url })

  it('says the mailbox is empty at first', async () => {
    const response = await get('/dev/mailbox')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('<h1>Boîte mail de développement</h1>')
    expect(response.body).toContain('Aucun email pour le moment.')
  })

  it('lists the emails newest first in a captioned table, with recipient, subject, status and time', async () => {
    await queue('helene.leveque@chu-a.fr', 'Veuillez confirmer votre adresse email', ['Premier.'])
    t.clock.advance(seconds(30))
    await queue('marc.perrin@chu-b.fr', 'Mot de passe à usage unique', ['Second.'])
    const response = await get('/dev/mailbox/')
    expect(response.statusCode).toBe(200)
    const body = response.body
    expect(body).toContain('<caption>Emails de l’application, les plus récents en premier (2)</caption>')
    expect(body).toContain('<th scope="col">Destinataire</th>')
    expect(body.indexOf('BaMaRa - Mot de passe à usage unique')).toBeLessThan(body.indexOf('BaMaRa - Veuillez confirmer votre adresse email'))
    expect(body).toContain('<td>helene.leveque@chu-a.fr</td>')
    expect(body).toContain('<td>En attente</td>')
    expect(body).toMatch(/<time datetime="2026-11-27T09:00:30.000Z">27\/11\/2026 10:00:30<\/time>/)
  })

  it('filters on one recipient', async () => {
    const response = await get('/dev/mailbox?destinataire=%20Marc.Perrin@chu-b.fr')
    expect(response.body).toContain('(1)</caption>')
    expect(response.body).not.toContain('helene.leveque@chu-a.fr</td>')
    expect((await get(`/dev/mailbox?destinataire=${'x'.repeat(300)}`)).statusCode).toBe(400)
  })

  it('opens an email: its text with clickable links, and its HTML in a sandboxed frame with a strict policy', async () => {
    const id = await queue('zoe.benard@chu-a.fr', 'Réinitialisation', ['Cliquez sur le lien ci-dessous.'], 'http://bamara.test/reinitialisation?jeton=tok')
    const page = await get(`/dev/mailbox/${id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<h1>BaMaRa - Réinitialisation</h1>')
    expect(page.body).toContain('<a href="http://bamara.test/reinitialisation?jeton=tok">http://bamara.test/reinitialisation?jeton=tok</a>')
    expect(page.body).toContain(`<iframe src="/dev/mailbox/${id}/html" sandbox title="Version HTML de l’email « BaMaRa - Réinitialisation »"`)
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")

    const frame = await get(`/dev/mailbox/${id}/html`)
    expect(frame.statusCode).toBe(200)
    expect(frame.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(frame.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox")
    expect(frame.body).toContain('<a href="http://bamara.test/reinitialisation?jeton=tok"')
  })

  it('escapes what the email holds and links only web addresses', async () => {
    const id = await queue('x@chu-a.fr', '<script>alert(1)</script>', ['"><img src=x onerror=alert(2)> javascript:alert(3)'])
    const list = await get('/dev/mailbox')
    expect(list.body).not.toContain('<script>alert(1)')
    expect(list.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    const page = await get(`/dev/mailbox/${id}`)
    expect(page.body).not.toContain('<img src=x')
    expect(page.body).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt; javascript:alert(3)')
    expect(page.body).not.toContain('href="javascript:')
    expect(page.body).toContain('href="http://bamara.test/confirmation?jeton=abc&amp;x=1"')
  })

  it('answers 404 for an unknown or malformed id, never 500', async () => {
    for (const id of ['0000000000000', 'ABC', '..%2F..%2Fetc', 'a'.repeat(65), '%00']) {
      expect((await get(`/dev/mailbox/${id}`)).statusCode).toBe(404)
      expect((await get(`/dev/mailbox/${id}/html`)).statusCode).toBe(404)
    }
  })

  it('shows a failed email with its attempts and last error', async () => {
    const id = await queue('bounce@chu-a.fr', 'Échec', ['Texte.'])
    await t.db.updateTable('outbox').set({ status: 'failed', attempts: 15, last_error: 'connect ECONNREFUSED 127.0.0.1:25' }).where('id', '=', id).execute()
    const page = await get(`/dev/mailbox/${id}`)
    expect(page.body).toContain('<dd>Échec définitif</dd>')
    expect(page.body).toContain('<dd>15</dd>')
    expect(page.body).toContain('<dd>connect ECONNREFUSED 127.0.0.1:25</dd>')
  })
})

describe('dev mailbox with a real SMTP server', () => {
  it('does not exist when SMTP_URL is set', async () => {
    const t = await buildTestApp({ env: { SMTP_URL: 'smtp://127.0.0.1:2525' } })
    try {
      expect((await t.app.inject({ method: 'GET', url: '/dev/mailbox' })).statusCode).toBe(404)
    } finally {
      await t.close()
    }
  })
})
