/**
 * Activation digest (README « Operations »: `send-activation-digests`, daily): one email a day at most per account manager,
 * listing the users of their hospitals confirmed since the previous digest; nothing for managers
 * who cannot act; parallel runs (several instances) send once.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, createTestDatabase, testEngine } from '../../../test/helpers/test-app.ts'
import { createAccount, createTwoHospitals } from '../../../test/helpers/fixtures.ts'
import { emailsTo, pathOfLinkIn } from '../../../test/helpers/mailbox.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { signIn } from '../../../test/helpers/session.ts'
import { days, hours } from '../../config.ts'
import { runCli } from '../../cli.ts'
import { sendActivationDigests } from './index.ts'
import { suiteWithTwoHospitals } from '../../../test/helpers/suite.ts'

const subject = 'BaMaRa - Comptes en attente d\'activation'

describe(`activation digest (${testEngine})`, () => {
  const s = suiteWithTwoHospitals()
  let counter = 0

  beforeEach(async () => {
    // Each test starts from a clean slate: no pending account, no digest sent.
    await s.t.db.updateTable('account').set({ activated_at: 1 }).where('activated_at', 'is', null).execute()
    await s.t.db.deleteFrom('notification_digest').execute()
    await s.t.db.deleteFrom('outbox').execute()
  })

  const send = () => sendActivationDigests(s.t.app.flow)
  const manager = async (siteIds: string[], extra: { state?: 'active' | 'deactivated' | 'pendingActivation'; locked?: boolean } = {}) => {
    const email = `gestion${++counter}@chu-a.fr`
    return { email, id: await createAccount(s.t.db, { email, siteIds, state: extra.state ?? 'active', locked: extra.locked }) }
  }
  /** A user confirming their address now (the test clock's time). */
  const confirmed = (siteIds: string[], lastName: string, state: 'pendingActivation' | 'unconfirmed' = 'pendingActivation') =>
    createAccount(s.t.db, { email: `user${++counter}@chu-a.fr`, siteIds, state, lastName, firstName: 'Zoé', now: s.t.clock.now() })

  it('confirm → digest; no second digest the same day; a new confirmation the next day → a second digest with only the new name', async () => {
    const m = await manager([s.a.adminSiteId])
    await confirmed([s.a.siteIds[0] as string], 'Lévêque')
    s.t.clock.advance(hours(1))
    expect((await send()).sent).toBeGreaterThanOrEqual(1)
    let emails = await emailsTo(s.t.db, m.email)
    expect(emails).toHaveLength(1)
    expect(emails[0]?.subject).toBe(subject)
    expect(emails[0]?.text).toContain('1 utilisateur de votre établissement a confirmé son adresse email')
    expect(emails[0]?.text).toContain('Lévêque Zoé (CHU de Test A)')
    expect(emails[0]?.text).toContain('http://bamara.test/gestion?statut=en-attente')
    expect(emails[0]?.html).toContain('Lévêque Zoé')

    // The link opens the console's list filtered on « en attente d'activation », which shows that user.
    const browser = new TestBrowser(s.t.app)
    await signIn(s.t, browser, m.id)
    const list = await browser.get(pathOfLinkIn(emails[0] as never))
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain('Lévêque')

    s.t.clock.advance(hours(2))
    await confirmed([s.a.siteIds[1] as string], 'Nouvelle')
    s.t.clock.advance(hours(1))
    await send()
    expect(await emailsTo(s.t.db, m.email)).toHaveLength(1)

    s.t.clock.advance(days(1))
    await send()
    emails = await emailsTo(s.t.db, m.email)
    expect(emails).toHaveLength(2)
    expect(emails[1]?.text).toContain('Nouvelle Zoé')
    expect(emails[1]?.text).not.toContain('Lévêque')

    // Nothing new: no email, however long it waits.
    s.t.clock.advance(days(3))
    await send()
    expect(await emailsTo(s.t.db, m.email)).toHaveLength(2)
    const audit = await s.t.db.selectFrom('audit_event').select(['type', 'target_id']).where('type', '=', 'notification.activationDigestSent').where('target_id', '=', m.id).execute()
    expect(audit).toHaveLength(2)
  })

  it('a manager of two hospitals gets one digest listing both; each manager sees only their hospitals', async () => {
    const both = await manager([s.a.adminSiteId, s.b.adminSiteId])
    const onlyB = await manager([s.b.adminSiteId])
    await confirmed([s.a.siteIds[0] as string], 'Alpha')
    await confirmed([s.b.siteIds[0] as string], 'Bravo')
    await send()
    const forBoth = await emailsTo(s.t.db, both.email)
    expect(forBoth).toHaveLength(1)
    expect(forBoth[0]?.text).toContain('2 utilisateurs de votre établissement')
    expect(forBoth[0]?.text).toContain('Alpha Zoé (CHU de Test A)')
    expect(forBoth[0]?.text).toContain('Bravo Zoé (CHU de Test B)')
    const forB = await emailsTo(s.t.db, onlyB.email)
    expect(forB).toHaveLength(1)
    expect(forB[0]?.text).toContain('Bravo')
    expect(forB[0]?.text).not.toContain('Alpha')
  })

  it('deactivated, locked or not yet activated managers get nothing; unconfirmed, multi-hospital and account-manager requests are not listed', async () => {
    const deactivated = await manager([s.a.adminSiteId], { state: 'deactivated' })
    const locked = await manager([s.a.adminSiteId], { locked: true })
    const pending = await manager([s.a.adminSiteId], { state: 'pendingActivation' })
    const active = await manager([s.a.adminSiteId])
    await confirmed([s.a.siteIds[0] as string], 'Visible')
    await confirmed([s.a.siteIds[0] as string], 'Nonconfirme', 'unconfirmed')
    await confirmed([s.a.siteIds[0] as string, s.b.siteIds[0] as string], 'Deuxhopitaux')
    await confirmed([s.a.adminSiteId], 'Demandegestion')
    await send()
    for (const m of [deactivated, locked]) expect(await emailsTo(s.t.db, m.email)).toHaveLength(0)
    // The pending manager is itself listed (an account-manager request) nowhere and emailed nothing.
    expect(await emailsTo(s.t.db, pending.email)).toHaveLength(0)
    const emails = await emailsTo(s.t.db, active.email)
    expect(emails).toHaveLength(1)
    expect(emails[0]?.text).toContain('Visible')
    for (const hidden of ['Nonconfirme', 'Deuxhopitaux', 'Demandegestion']) expect(emails[0]?.text).not.toContain(hidden)
  })

  it('lists a registration made through the form only once its address is confirmed by the link', async () => {
    const m = await manager([s.a.adminSiteId])
    const browser = new TestBrowser(s.t.app)
    const email = `inscrite${++counter}@chu-a.fr`
    const registered = await browser.post('/inscription', {
      civilite: 'mme', nom: 'Formulaire', prenom: 'Zoé', email, motDePasse: 'Tulipe-Rouge-1987!', confirmationMotDePasse: 'Tulipe-Rouge-1987!',
      profession: 'medecin', hopital: s.a.id, sites: [s.a.siteIds[0] as string], cgu: 'oui',
    })
    expect(registered.statusCode).toBe(303)
    s.t.clock.advance(hours(1))
    await send()
    expect(await emailsTo(s.t.db, m.email)).toHaveLength(0)

    const link = pathOfLinkIn((await emailsTo(s.t.db, email))[0] as never)
    const confirmedPage = await browser.post('/confirmation', { jeton: new URL(link, 'http://x').searchParams.get('jeton') as string })
    expect(confirmedPage.statusCode).toBe(200)
    s.t.clock.advance(hours(1))
    await send()
    const digests = await emailsTo(s.t.db, m.email)
    expect(digests).toHaveLength(1)
    expect(digests[0]?.text).toContain('Formulaire Zoé (CHU de Test A)')
  })

  it('parallel runs send one digest per manager', async () => {
    const m = await manager([s.a.adminSiteId])
    await confirmed([s.a.siteIds[0] as string], 'Parallele')
    const reports = await Promise.all([send(), send(), send()])
    // Every active manager of A (earlier tests' too) gets exactly one digest, whichever run sent it.
    const recipients = (await s.t.db.selectFrom('outbox').select('recipient').execute()).map((r) => r.recipient)
    expect(recipients.length).toBe(new Set(recipients).size)
    expect(reports.map((r) => r.sent).reduce((x, y) => x + y, 0)).toBe(recipients.length)
    expect(await emailsTo(s.t.db, m.email)).toHaveLength(1)
    // A later run the next day, again in parallel, sends once more only if something new came.
    s.t.clock.advance(days(1))
    await confirmed([s.a.siteIds[0] as string], 'Suivant')
    await Promise.all([send(), send()])
    expect(await emailsTo(s.t.db, m.email)).toHaveLength(2)
  })

  it.skipIf(testEngine !== 'postgres')('two instances sharing the database send one digest', async () => {
    const database = await createTestDatabase()
    const one = await buildTestApp({ database })
    const two = await buildTestApp({ database, clock: one.clock })
    try {
      const hospitals = await createTwoHospitals(one.db)
      const email = 'gestion-instances@chu-a.fr'
      await createAccount(one.db, { email, siteIds: [hospitals.a.adminSiteId] })
      for (let i = 0; i < 5; i++) {
        await createAccount(one.db, { email: `attente${i}@chu-a.fr`, siteIds: [hospitals.a.siteIds[0] as string], state: 'pendingActivation', now: one.clock.now() })
      }
      await Promise.all([
        sendActivationDigests(one.app.flow),
        sendActivationDigests(two.app.flow),
        sendActivationDigests(one.app.flow),
        sendActivationDigests(two.app.flow),
      ])
      expect(await emailsTo(one.db, email)).toHaveLength(1)
    } finally {
      await two.close()
      await one.close()
      await database.drop()
    }
  })

  it('the interval is a rule: with a one-hour interval the next digest comes an hour later', async () => {
    const quick = await buildTestApp({ rules: { activationDigestInterval: hours(1) } })
    try {
      const hospitals = await createTwoHospitals(quick.db)
      const email = 'gestion-rapide@chu-a.fr'
      await createAccount(quick.db, { email, siteIds: [hospitals.a.adminSiteId] })
      const digest = () => sendActivationDigests(quick.app.flow)
      await createAccount(quick.db, { email: 'u1@chu-a.fr', siteIds: [hospitals.a.siteIds[0] as string], state: 'pendingActivation', now: quick.clock.now() })
      await digest()
      quick.clock.advance(hours(1) - 1)
      await createAccount(quick.db, { email: 'u2@chu-a.fr', siteIds: [hospitals.a.siteIds[0] as string], state: 'pendingActivation', now: quick.clock.now() })
      await digest()
      expect(await emailsTo(quick.db, email)).toHaveLength(1)
      quick.clock.advance(1)
      await digest()
      expect(await emailsTo(quick.db, email)).toHaveLength(2)
    } finally {
      await quick.close()
    }
  })

  it('runs from the command line (send-activation-digests) for cron', async () => {
    const database = await createTestDatabase()
    const seed = await buildTestApp({ database })
    try {
      const hospitals = await createTwoHospitals(seed.db)
      const email = 'gestion-cli@chu-a.fr'
      await createAccount(seed.db, { email, siteIds: [hospitals.a.adminSiteId] })
      await createAccount(seed.db, { email: 'cli-user@chu-a.fr', siteIds: [hospitals.a.siteIds[0] as string], state: 'pendingActivation', lastName: 'Cron', now: seed.clock.now() })
      const out: string[] = []
      const io = {
        env: { NODE_ENV: 'test', DEMO_DATA: 'false', APP_BASE_URL: 'https://bamara.example', SMTP_URL: 'smtp://127.0.0.1:2525', ...database.env },
        out: (line: string) => out.push(line),
        err: (line: string) => out.push(line),
        readPassword: async () => undefined,
        now: () => seed.clock.now() + hours(1),
      }
      expect(await runCli(['send-activation-digests'], io)).toBe(0)
      expect(out.join('\n')).toContain('Récapitulatifs envoyés : 1')
      expect(await runCli(['send-activation-digests'], io)).toBe(0)
      expect(out.join('\n')).toContain('Récapitulatifs envoyés : 0')
      const emails = await emailsTo(seed.db, email)
      expect(emails).toHaveLength(1)
      expect(emails[0]?.text).toContain('https://bamara.example/gestion?statut=en-attente')
      expect(emails[0]?.text).toContain('Cron Claire')
    } finally {
      await seed.close()
      await database.drop()
    }
  })
})
