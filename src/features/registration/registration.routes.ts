/**
 * Routes of the registration (user guide §2.1): the form, its submission, and the page saying an
 * email is on its way. A bad form comes back with a message per field and a 400. The form is one
 * form: « Afficher les sites de cet hôpital » (without JavaScript) posts it back and the page
 * returns with everything kept but the passwords; the script reads the chosen hospital's sites
 * from `GET /inscription/sites?hopital=ID` instead.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { OneOrMany, typed } from '../../kernel/web/routes.ts'
import { fieldErrorsFrom, type FieldErrors } from '../../kernel/web/forms.ts'
import { renderToString } from '../../kernel/web/html.ts'
import { listProfessions } from '../reference-data/index.ts'
import { confirmationValidDays } from '../email-confirmation/index.ts'
import { checkRegistration, registerAccount, type RegistrationCheck, type RegistrationField, type RegistrationInput } from './registration.ts'
import { findHospital, listHospitalSites, listHospitals } from './registration.queries.ts'
import { emptyRegistrationValues, registrationFormPage, registrationSitesFragment, type RegistrationFormPage, type RegistrationFormValues } from './views/registration-form.ts'
import { registrationSentPage } from './views/registration-sent.ts'
import { messages, passwordRuleReasons } from './messages.ts'
import { requestMeta } from '../../kernel/audit/audit-trail.ts'

const optionalText = (maxLength: number) => Type.Optional(Type.String({ maxLength }))

/** Lengths bound the work done on a form; the password's own limit is checked (and named) by the policy. */
const RegistrationForm = Type.Object({
  civilite: optionalText(10),
  nom: optionalText(100),
  prenom: optionalText(100),
  email: optionalText(254),
  motDePasse: optionalText(1024),
  confirmationMotDePasse: optionalText(1024),
  profession: optionalText(100),
  hopital: optionalText(64),
  sites: Type.Optional(OneOrMany(Type.String({ maxLength: 64 }), 200)),
  cgu: optionalText(10),
  /** Set by « Afficher les sites de cet hôpital »: show the form again with that hospital's sites. */
  afficherSites: optionalText(10),
})
type RegistrationBody = Static<typeof RegistrationForm>

const HospitalQuery = Type.Object({ hopital: optionalText(64) })

export async function registrationRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  async function showForm (reply: FastifyReply, hospitalId: string | undefined, values: RegistrationFormValues, errors: FieldErrors, status: number, sitesShown?: RegistrationFormPage['sitesShown']) {
    const chosenHospital = hospitalId ? await findHospital(app.db, hospitalId) : undefined
    const body = registrationFormPage(reply.request, {
      values,
      errors,
      hospitals: await listHospitals(app.db),
      chosenHospital,
      sites: chosenHospital ? await listHospitalSites(app.db, chosenHospital.id) : [],
      professions: await listProfessions(app.db),
      passwordMinimumLength: app.rules.passwordMinimumLength,
      passwordMaximumLength: app.rules.passwordMaximumLength,
      sitesShown,
    })
    return reply.page({ title: messages[reply.request.lang].title, body, scripts: ['registration.js', 'password-rules.js'] }, status)
  }

  // GET /inscription  (and /inscription?hopital=ID once the hospital is chosen)
  app.get('/inscription', {
    schema: { querystring: HospitalQuery }, attachValidation: true,
  }, async function showRegistrationForm (request, reply) {
    const hospitalId = request.validationError ? undefined : request.query.hopital
    return showForm(reply, hospitalId, emptyRegistrationValues, {}, 200)
  })

  // GET /inscription/sites?hopital=ID  (the chosen hospital's sites, for public/registration.js)
  app.get('/inscription/sites', {
    schema: { querystring: HospitalQuery }, attachValidation: true,
  }, async function showHospitalSites (request, reply) {
    const hospitalId = request.validationError ? undefined : request.query.hopital
    const hospital = hospitalId ? await findHospital(app.db, hospitalId) : undefined
    const sites = hospital ? await listHospitalSites(app.db, hospital.id) : []
    const status = hospitalId && !hospital ? 404 : 200
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store')
      .send(renderToString(registrationSitesFragment(request, hospital, sites)))
  })

  // POST /inscription
  app.post('/inscription', {
    schema: { body: RegistrationForm }, attachValidation: true,
  }, async function registerFromForm (request, reply) {
    const form = readForm(request.body)
    if (isShowSitesRequest(request.body)) {
      const passwordsCleared = Boolean(form.password || form.passwordConfirmation)
      return showForm(reply, form.hospitalId, formValues(form), {}, 200, { passwordsCleared })
    }
    if (request.validationError) {
      return showForm(reply, form.hospitalId, formValues(form), fieldErrorsFrom(request.lang, request.validationError.validation), 400)
    }
    const check = await checkRegistration(app.flow, form)
    if (check.outcome === 'invalid') {
      return showForm(reply, form.hospitalId, formValues(form), problemMessages(request.lang, check, app.rules), 400)
    }
    await registerAccount(app.flow, check.registration, requestMeta(request))
    void app.mail.kick()
    return reply.redirect('/inscription/envoyee', 303)
  })

  // GET /inscription/envoyee
  app.get('/inscription/envoyee', async function showRegistrationSent (request, reply) {
    const body = registrationSentPage(request, app.config.appName, confirmationValidDays(app.rules))
    return reply.page({ title: messages[request.lang].sentTitle, body })
  })
}

function isShowSitesRequest (raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { afficherSites?: unknown }).afficherSites === 'oui'
}

/** The submitted form as the flow reads it; values of the wrong type (after a schema failure) are dropped. */
function readForm (raw: unknown): RegistrationInput {
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof RegistrationBody, unknown>>
  const text = (value: unknown, max: number) => (typeof value === 'string' && value.length <= max ? value : undefined)
  const sites = Array.isArray(body.sites) ? body.sites : [body.sites]
  return {
    civility: text(body.civilite, 10),
    lastName: text(body.nom, 100),
    firstName: text(body.prenom, 100),
    email: text(body.email, 254),
    password: text(body.motDePasse, 1024),
    passwordConfirmation: text(body.confirmationMotDePasse, 1024),
    professionCode: text(body.profession, 100),
    hospitalId: text(body.hopital, 64) || undefined,
    siteIds: sites.slice(0, 200).map((id) => text(id, 64)).filter((id): id is string => id !== undefined && id !== ''),
    cguAccepted: body.cgu === 'oui',
  }
}

/** What the page shows again after an error: everything but the passwords. */
function formValues (form: RegistrationInput): RegistrationFormValues {
  return {
    civility: form.civility ?? '',
    lastName: form.lastName ?? '',
    firstName: form.firstName ?? '',
    email: form.email ?? '',
    professionCode: form.professionCode ?? '',
    siteIds: form.siteIds,
    cguAccepted: form.cguAccepted,
  }
}

const fieldsInPageOrder: RegistrationField[] = [
  'hopital', 'civilite', 'nom', 'prenom', 'email', 'motDePasse', 'confirmationMotDePasse', 'profession', 'sites', 'cgu',
]

function problemMessages (lang: 'fr' | 'en', check: Extract<RegistrationCheck, { outcome: 'invalid' }>, rules: { passwordMinimumLength: number; passwordMaximumLength: number }): FieldErrors {
  const t = messages[lang]
  const limits = { min: rules.passwordMinimumLength, max: rules.passwordMaximumLength }
  const errors: FieldErrors = {}
  for (const field of fieldsInPageOrder) {
    const problem = check.problems[field]
    if (!problem) continue
    errors[field] = problem === 'passwordBroken'
      ? t.passwordBroken(check.brokenPasswordRules.map((rule) => passwordRuleReasons[lang][rule](limits)))
      : t[problem]
  }
  return errors
}
