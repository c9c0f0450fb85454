import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals, type TestHospital } from '../../../test/helpers/fixtures.ts'
import { emailsTo, lastEmailTo, pathOfLinkIn } from '../../../test/helpers/mailbox.ts'
import { isPersonalEmailDomain } from './index.ts'

let counter = 0
const uniqueEmail = (domain = 'chu-a.fr') => `anne.lefevre.${++counter}@${domain}`
const goodPassword = 'Tulipe-Rouge-1987!'

function registrationForm (hospital: TestHospital, overrides: Record<string, string | string[]> = {}) {
  return {
    civilite: 'mme',
    nom: 'Lefèvre',
    prenom: 'Anne',
    email: uniqueEmail(),
    motDePasse: goodPassword,
    confirmationMotDePasse: overrides.motDePasse ?? goodPassword,
    profession: 'medecin',
    hopital: hospital.id,
    sites: [hospital.siteIds[0] as string],
    cgu: 'oui',
    ...overrides,
  }
}

async function countWrites (t: TestApp) {
  const accounts = await t.db.selectFrom('account').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const emails = await t.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const events = await t.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return { accounts: Number(accounts.n), emails: Number(emails.n), events: Number(events.n) }
}

/** The CSP nonce and the CSRF token differ per request and per browser, nothing else may. */
function withoutPerBrowserValues (body: string) {
  return body.replace(/nonce="[^"]+"/g, 'nonce=""').replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value=""')
}

async function auditTypes (t: TestApp, targetId: string) {
  const rows = await t.db.selectFrom('audit_event').select(['type', 'ip']).where('target_id', '=', targetId).orderBy('seq').execute()
  return rows.map((r) => r.type)
}

describe(`registration, user guide §2.1 (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  let b: TestHospital
  beforeAll(async () => {
    t = await buildTestApp({ rules: { registrationsPerAddress: 10_000, registrationsPerEmail: 10_000 } })
    ;({ a, b } = await createTwoHospitals(t.db))
  })
  afterAll(async () => { await t.close() })

  it('shows the form with the guide’s fields, and the chosen hospital’s sites only after choosing it', async () => {
    const browser = new TestBrowser(t.app)
    const blank = await browser.get('/inscription')
    expect(blank.statusCode).toBe(200)
    for (const label of ['Civilité', 'Nom', 'Prénom', 'Email professionnel', 'Mot de passe', 'Confirmez votre mot de passe', 'Profession', 'Hôpital', 'Sites', 'S’inscrire']) {
      expect(blank.body).toContain(label)
    }
    expect(blank.body).toContain('href="/cgu"')
    expect(blank.body).toContain('Médecin')
    expect(blank.body).toContain('CHU de Test A')
    expect(blank.body).toContain('data-password-rules="motDePasse"')
    expect(blank.body).toContain('/static/registration.js')
    expect(blank.body).toContain('/static/password-rules.js')
    expect(blank.body).toContain('autocomplete="new-password"')
    expect(blank.body).not.toContain('Malformations ORL rares')

    const chosen = await browser.get(`/inscription?hopital=${a.id}`)
    expect(chosen.statusCode).toBe(200)
    expect(chosen.body).toContain('Malformations ORL rares (MALO)')
    expect(chosen.body).toContain('Site administrateur comptes (CHU de Test A)')
    expect(chosen.body).toContain(`value="${a.adminSiteId}"`)
    expect(chosen.body).not.toContain(`value="${b.siteIds[0]}"`)
    expect(chosen.body).toContain('data-search="malformations orl rares malo duflo"')

    const forged = await browser.get('/inscription?hopital=' + 'x'.repeat(5000))
    expect(forged.statusCode).toBe(200)
    expect(forged.body).not.toContain('Malformations ORL rares')
  })

  it('registers, says an email is on its way, and the emailed link confirms the address', async () => {
    const browser = new TestBrowser(t.app)
    const form = registrationForm(a, { sites: [a.siteIds[0] as string, a.siteIds[1] as string] })
    const response = await browser.post('/inscription', form)
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/inscription/envoyee')

    const sent = await browser.get('/inscription/envoyee')
    expect(sent.statusCode).toBe(200)
    expect(sent.body).toContain('Vous allez recevoir un email vous demandant de confirmer votre adresse email afin de valider votre demande de création de compte.')
    expect(sent.body).toContain('« BaMaRa - Veuillez confirmer votre adresse email »')

    const account = await t.db.selectFrom('account')
      .select(['id', 'email', 'civility', 'last_name', 'first_name', 'profession_code', 'password_hash', 'email_confirmed_at', 'activated_at'])
      .where('email', '=', form.email).executeTakeFirstOrThrow()
    expect(account).toMatchObject({ civility: 'mme', last_name: 'Lefèvre', first_name: 'Anne', profession_code: 'medecin', email_confirmed_at: null, activated_at: null })
    expect(account.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    const sites = await t.db.selectFrom('account_site').select('site_id').where('account_id', '=', account.id).execute()
    expect(sites.map((s) => s.site_id).sort()).toEqual([a.siteIds[0], a.siteIds[1]].sort())
    expect(await auditTypes(t, account.id)).toEqual(['account.registered'])

    const email = await lastEmailTo(t.db, form.email)
    expect(email.subject).toBe('BaMaRa - Veuillez confirmer votre adresse email')
    expect(email.text).toContain('Bonjour Madame Lefèvre,')
    expect(email.text).toContain('valable 7 jours')
    const link = pathOfLinkIn(email)
    expect(link).toMatch(/^\/confirmation\?jeton=[A-Za-z0-9_-]{43}$/)
    expect(email.text).toContain('http://bamara.test/confirmation?jeton=')

    const page = await browser.get(link)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Confirmer mon adresse email')
    const token = new URL(link, 'http://x').searchParams.get('jeton') as string
    const confirmed = await browser.post('/confirmation', { jeton: token })
    expect(confirmed.statusCode).toBe(200)
    expect(confirmed.body).toContain('Votre adresse email est confirmée')
    expect(confirmed.body).toContain('Un gestionnaire des comptes de votre établissement doit maintenant activer votre compte.')
    const after = await t.db.selectFrom('account').select(['email_confirmed_at', 'activated_at']).where('id', '=', account.id).executeTakeFirstOrThrow()
    expect(after.email_confirmed_at).toBe(t.clock.now())
    expect(after.activated_at).toBeNull()
    expect(await auditTypes(t, account.id)).toEqual(['account.registered', 'account.emailConfirmed'])
  })

  it('accepts a 64-character passphrase and stores the password without folding or truncation', async () => {
    const browser = new TestBrowser(t.app)
    const passphrase = 'Le héron au long bec emmanché d’un long cou, 7 fois ! Voilà 64c.'
    expect([...passphrase].length).toBe(64)
    const form = registrationForm(a, { motDePasse: passphrase })
    const response = await browser.post('/inscription', form)
    expect(response.statusCode).toBe(303)
    const account = await t.db.selectFrom('account').select('id').where('email', '=', form.email).executeTakeFirst()
    expect(account).toBeDefined()
  })

  const brokenRules: Array<[string, string, string]> = [
    ['too short', 'Ab1!xyz', 'il doit faire au moins 8 caractères'],
    ['no lower-case letter', 'TULIPE-ROUGE-1987!', 'il doit contenir une minuscule'],
    ['no upper-case letter', 'tulipe-rouge-1987!', 'il doit contenir une majuscule'],
    ['no digit', 'Tulipe-Rouge-Vive!', 'il doit contenir un chiffre'],
    ['no special character', 'TulipeRouge1987', 'il doit contenir un caractère spécial'],
    ['a common password', 'Password123!', 'il ne doit pas être un mot de passe courant'],
    ['the user’s last name', 'Lefevre-Rouge-1987!', 'il ne doit contenir ni votre nom, ni votre prénom, ni votre adresse email, ni le nom de votre hôpital'],
    ['the hospital’s name', 'Test-Rouge-1987!x', 'ni le nom de votre hôpital'],
    ['the email’s local part', 'xLefevre42!Tulipe', 'ni votre adresse email'],
    ['longer than 256 characters', `Aa1!${'x'.repeat(253)}`, 'il doit faire au plus 256 caractères'],
  ]
  for (const [name, password, reason] of brokenRules) {
    it(`refuses a password that is ${name}, naming the rule, and writes nothing`, async () => {
      const browser = new TestBrowser(t.app)
      const before = await countWrites(t)
      const response = await browser.post('/inscription', registrationForm(a, { motDePasse: password }))
      expect(response.statusCode).toBe(400)
      expect(response.body).toContain('Le mot de passe ne respecte pas ces règles :')
      expect(response.body).toContain(reason)
      expect(response.body).not.toContain(password)
      expect(await countWrites(t)).toEqual(before)
    })
  }

  it('names every broken rule at once', async () => {
    const browser = new TestBrowser(t.app)
    const response = await browser.post('/inscription', registrationForm(a, { motDePasse: 'abc' }))
    expect(response.statusCode).toBe(400)
    for (const reason of ['au moins 8 caractères', 'une majuscule', 'un chiffre', 'un caractère spécial']) expect(response.body).toContain(reason)
  })

  const fieldProblems: Array<[string, Record<string, string | string[]>, string]> = [
    ['a confirmation that differs', { confirmationMotDePasse: 'Tulipe-Rouge-1988!' }, 'Les deux mots de passe ne sont pas identiques.'],
    ['no CGU acceptance', { cgu: '' }, 'Vous devez accepter les conditions générales d’utilisation pour vous inscrire.'],
    ['an unknown civility', { civilite: 'dr' }, 'Indiquez votre civilité.'],
    ['a malformed email', { email: 'anne.lefevre@' }, 'Indiquez une adresse email valide'],
    ['an email with spaces inside', { email: 'anne lefevre@chu-a.fr' }, 'Indiquez une adresse email valide'],
    ['a name with markup', { nom: '<script>alert(1)</script>' }, 'Ce champ ne peut contenir que des lettres'],
    ['a name with a link', { prenom: 'http://evil.example' }, 'Ce champ ne peut contenir que des lettres'],
    ['an unknown profession', { profession: 'astronaute' }, 'Sélectionnez une profession de la liste.'],
    ['an unknown hospital', { hopital: '00000000-0000-0000-0000-000000000000' }, 'Sélectionnez un hôpital de la liste.'],
    ['no site', { sites: [] }, 'Cochez au moins un site.'],
  ]
  for (const [name, overrides, message] of fieldProblems) {
    it(`refuses ${name} with a message on the field, and writes nothing`, async () => {
      const browser = new TestBrowser(t.app)
      const before = await countWrites(t)
      const response = await browser.post('/inscription', registrationForm(a, overrides))
      expect(response.statusCode).toBe(400)
      expect(response.body).toContain(message)
      expect(response.body).toContain('role="alert"')
      expect(response.body).not.toContain('<script>alert(1)')
      expect(await countWrites(t)).toEqual(before)
    })
  }

  it('refuses sites of another hospital (forged ids) with a 400 and writes nothing', async () => {
    const browser = new TestBrowser(t.app)
    const before = await countWrites(t)
    for (const sites of [[b.siteIds[0] as string], [a.siteIds[0] as string, b.adminSiteId], ['not-a-site']]) {
      const response = await browser.post('/inscription', registrationForm(a, { sites }))
      expect(response.statusCode).toBe(400)
      expect(response.body).toContain('Cochez uniquement des sites de l’hôpital choisi.')
      expect(response.body).toContain('Malformations ORL rares')
    }
    expect(await countWrites(t)).toEqual(before)
  })

  it('gives a message for every missing field and keeps what was typed, except the passwords', async () => {
    const browser = new TestBrowser(t.app)
    const before = await countWrites(t)
    const empty = await browser.post('/inscription', {})
    expect(empty.statusCode).toBe(400)
    for (const message of ['Indiquez votre civilité.', 'Indiquez votre nom.', 'Indiquez votre prénom.', 'Indiquez votre email professionnel.',
      'Choisissez un mot de passe.', 'Confirmez votre mot de passe.', 'Sélectionnez votre profession.', 'Sélectionnez votre hôpital.',
      'Cochez au moins un site.', 'Vous devez accepter les conditions générales d’utilisation']) {
      expect(empty.body).toContain(message)
    }
    expect(empty.body).toContain('Le formulaire contient 10 erreurs.')

    const partial = await browser.post('/inscription', registrationForm(a, { nom: '', email: 'claire@chu-a.fr' }))
    expect(partial.statusCode).toBe(400)
    expect(partial.body).toContain('value="claire@chu-a.fr"')
    expect(partial.body).toContain('value="Anne"')
    expect(partial.body).not.toContain(goodPassword)
    expect(partial.body).toMatch(new RegExp(`value="${a.siteIds[0]}" id="sites(-\\d+)?" checked`))
    expect(await countWrites(t)).toEqual(before)
  })

  it('answers wrong types, repeated fields and huge fields with a 400 page, never a 500', async () => {
    const browser = new TestBrowser(t.app)
    const before = await countWrites(t)
    // Over every field's maximum, under the form body limit even twice (over it is the 413 below).
    const huge = 'x'.repeat(5 * 1024)
    const cases: Array<Record<string, string | string[]>> = [
      registrationForm(a, { nom: ['Lefèvre', 'Martin'] }),
      registrationForm(a, { email: [uniqueEmail(), uniqueEmail()] }),
      registrationForm(a, { motDePasse: [goodPassword, goodPassword] }),
      registrationForm(a, { hopital: [a.id, b.id] }),
      registrationForm(a, { cgu: ['oui', 'oui'] }),
      ...['civilite', 'nom', 'prenom', 'email', 'motDePasse', 'confirmationMotDePasse', 'profession', 'hopital', 'cgu']
        .map((field) => registrationForm(a, { [field]: huge })),
      registrationForm(a, { sites: huge }),
      registrationForm(a, { sites: Array.from({ length: 300 }, () => a.siteIds[0] as string) }),
      registrationForm(a, { nom: 'Le\u0000fèvre' }),
      registrationForm(a, { prenom: '🙂🙂' }),
    ]
    for (const form of cases) {
      const response = await browser.post('/inscription', form)
      expect(response.statusCode).toBe(400)
      expect(response.headers['content-type']).toContain('text/html')
      expect(response.body).toContain('role="alert"')
    }
    const json = await t.app.inject({
      method: 'POST', url: '/inscription', payload: { nom: { a: 1 }, sites: [1, 2] },
      headers: { cookie: `csrf=${await browser.csrfToken()}`, 'x-csrf-token': await browser.csrfToken() },
    })
    expect(json.statusCode).toBe(415)
    const tooLarge = await browser.post('/inscription', registrationForm(a, { nom: 'x'.repeat(2 * 1024 * 1024) }))
    expect(tooLarge.statusCode).toBe(413)
    expect(await countWrites(t)).toEqual(before)
  })

  it('refuses a form without its CSRF token (403) and writes nothing', async () => {
    const browser = new TestBrowser(t.app)
    await browser.get('/inscription')
    const before = await countWrites(t)
    const response = await browser.post('/inscription', registrationForm(a), { csrf: false })
    expect(response.statusCode).toBe(403)
    const forged = await browser.post('/inscription', { ...registrationForm(a), _csrf: 'A'.repeat(43) }, { csrf: false })
    expect(forged.statusCode).toBe(403)
    expect(await countWrites(t)).toEqual(before)
  })

  it('answers an address that already has an account exactly as a new one, and emails its owner a notice instead', async () => {
    const owner = 'claire.dupont@chu-a.fr'
    const ownerId = await createAccount(t.db, { email: owner, siteIds: [a.siteIds[0] as string] })
    const ownerBefore = await t.db.selectFrom('account').selectAll().where('id', '=', ownerId).executeTakeFirstOrThrow()
    const accountsBefore = (await countWrites(t)).accounts

    const newcomer = new TestBrowser(t.app)
    const fresh = await newcomer.post('/inscription', registrationForm(a))
    const freshPage = await newcomer.get(fresh.headers.location as string)

    const attacker = new TestBrowser(t.app)
    const existing = await attacker.post('/inscription', registrationForm(a, { email: '  Claire.DUPONT@chu-a.fr ', nom: 'Autre' }))
    const existingPage = await attacker.get(existing.headers.location as string)

    expect(existing.statusCode).toBe(fresh.statusCode)
    expect(existing.headers.location).toBe(fresh.headers.location)
    expect(existing.body).toBe(fresh.body)
    expect(existingPage.statusCode).toBe(freshPage.statusCode)
    expect(withoutPerBrowserValues(existingPage.body)).toBe(withoutPerBrowserValues(freshPage.body))

    expect((await countWrites(t)).accounts).toBe(accountsBefore + 1)
    const ownerAfter = await t.db.selectFrom('account').selectAll().where('id', '=', ownerId).executeTakeFirstOrThrow()
    expect(ownerAfter).toEqual(ownerBefore)
    const tokens = await t.db.selectFrom('account_token').select('digest').where('account_id', '=', ownerId).execute()
    expect(tokens).toHaveLength(0)

    const notices = await emailsTo(t.db, owner)
    expect(notices).toHaveLength(1)
    expect(notices[0]?.subject).toBe('BaMaRa - Demande d’inscription avec votre adresse email')
    expect(notices[0]?.text).toContain('Quelqu’un vient de demander la création d’un compte BaMaRa avec votre adresse email.')
    expect(notices[0]?.text).toContain('« Mot de passe oublié ? »')
    expect(notices[0]?.text).not.toContain('jeton=')
    expect(await auditTypes(t, ownerId)).toEqual(['account.registrationAttemptOnExistingEmail'])
  })

  it('creates one account when two registrations of one new address race', async () => {
    const email = uniqueEmail()
    const responses = await Promise.all([0, 1].map(() => new TestBrowser(t.app).post('/inscription', registrationForm(a, { email }))))
    expect(responses.map((r) => r.statusCode)).toEqual([303, 303])
    const accounts = await t.db.selectFrom('account').select('id').where('email', '=', email).execute()
    expect(accounts).toHaveLength(1)
    const emails = await emailsTo(t.db, email)
    expect(emails.map((e) => e.template).sort()).toEqual(['emailConfirmation', 'registrationAttemptOnExistingEmail'])
  })

  it('notifies every active super-administrator of a registration on an account-manager site', async () => {
    await createAccount(t.db, { email: 'super1@bndmr.fr', siteIds: [], isSuperadmin: true })
    await createAccount(t.db, { email: 'super2@bndmr.fr', siteIds: [], isSuperadmin: true })
    await createAccount(t.db, { email: 'super-off@bndmr.fr', siteIds: [], isSuperadmin: true, state: 'deactivated' })
    await createAccount(t.db, { email: 'manager@chu-a.fr', siteIds: [a.adminSiteId] })

    const browser = new TestBrowser(t.app)
    const form = registrationForm(a, { sites: [a.adminSiteId], email: uniqueEmail('gmail.com') })
    const response = await browser.post('/inscription', form)
    expect(response.statusCode).toBe(303)
    for (const superadmin of ['super1@bndmr.fr', 'super2@bndmr.fr']) {
      const email = await lastEmailTo(t.db, superadmin)
      expect(email.subject).toBe('BaMaRa - Nouvelle demande de compte gestionnaire')
      expect(email.text).toContain(form.email as string)
      expect(email.text).toContain('CHU de Test A')
      expect(email.text).toContain('adresse personnelle')
    }
    expect(await emailsTo(t.db, 'super-off@bndmr.fr')).toHaveLength(0)
    expect(await emailsTo(t.db, 'manager@chu-a.fr')).toHaveLength(0)

    const account = await t.db.selectFrom('account').select('id').where('email', '=', form.email as string).executeTakeFirstOrThrow()
    const event = await t.db.selectFrom('audit_event').select(['details', 'hospital_id', 'ip']).where('target_id', '=', account.id).executeTakeFirstOrThrow()
    expect(JSON.parse(event.details as string)).toMatchObject({ accountManagerRequest: true, personalEmail: true })
    expect(event.hospital_id).toBe(a.id)

    const token = new URL(pathOfLinkIn(await lastEmailTo(t.db, form.email as string)), 'http://x').searchParams.get('jeton') as string
    const confirmed = await browser.post('/confirmation', { jeton: token })
    expect(confirmed.body).toContain('Votre demande d’inscription est envoyée aux super-administrateurs de BaMaRa (équipe BNDMR).')
    expect(confirmed.body).toContain('support.bamara@aphp.fr')
  })

  it('accepts personal addresses and recognizes them for the console', async () => {
    for (const domain of ['gmail.com', 'yahoo.fr', 'hotmail.fr', 'outlook.fr', 'orange.fr', 'free.fr', 'sfr.fr', 'laposte.net', 'wanadoo.fr', 'icloud.com']) {
      expect(isPersonalEmailDomain(`Someone@${domain.toUpperCase()} `)).toBe(true)
    }
    expect(isPersonalEmailDomain('claire.dupont@aphp.fr')).toBe(false)
    expect(isPersonalEmailDomain('claire@gmail.com.evil.fr')).toBe(false)
    const response = await new TestBrowser(t.app).post('/inscription', registrationForm(a, { email: uniqueEmail('orange.fr') }))
    expect(response.statusCode).toBe(303)
  })

  it('speaks English when the browser prefers it', async () => {
    const browser = new TestBrowser(t.app, { 'accept-language': 'en-GB,en;q=0.9' })
    const page = await browser.get(`/inscription?hopital=${a.id}`)
    expect(page.body).toContain('Professional email')
    const refused = await browser.post('/inscription', registrationForm(a, { motDePasse: 'Password123!' }))
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('it must not be a common password')
  })
})

describe(`registration rate limits (${testEngine})`, () => {
  let t: TestApp
  let a: TestHospital
  beforeAll(async () => {
    t = await buildTestApp({ rules: { registrationsPerEmail: 2, registrationsPerAddress: 3 } })
    ;({ a } = await createTwoHospitals(t.db))
  })
  afterAll(async () => { await t.close() })

  it('limits registrations per email address, then per client address, with a French message and Retry-After', async () => {
    const browser = new TestBrowser(t.app)
    const email = uniqueEmail()
    expect((await browser.post('/inscription', registrationForm(a, { email }))).statusCode).toBe(303)
    expect((await browser.post('/inscription', registrationForm(a, { email }))).statusCode).toBe(303)
    const third = await browser.post('/inscription', registrationForm(a, { email: ` ${email.toUpperCase()}` }))
    expect(third.statusCode).toBe(429)
    expect(third.body).toContain('Trop de demandes en peu de temps.')
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0)
    expect(await emailsTo(t.db, email)).toHaveLength(2)

    expect((await browser.post('/inscription', registrationForm(a))).statusCode).toBe(429)
    t.clock.advance(t.app.rules.registrationRateWindow + 1)
    expect((await browser.post('/inscription', registrationForm(a))).statusCode).toBe(303)
  })
})
