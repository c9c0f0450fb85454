/**
 * Registration: user guide §2.1 « Formulaire d'inscription ».
 *
 * The form is checked in full on the server: each field gets its own message and the password
 * policy names every rule it breaks. A valid registration creates an unconfirmed account and
 * emails it a confirmation link, in one transaction with the audit row. An address that already
 * has an account gets the very same answer, a notice email instead, and nothing changes; both
 * paths hash the password so they cost the same time. A registration on a « Site administrateur
 * comptes » is a request to the super-administrators, who are told once the address is confirmed
 * (email-confirmation, user guide §2.1 « Votre demande d'inscription est alors envoyée »).
 */
import { isUniqueViolation, type Db } from '../../kernel/db/database.ts'
import type { Civility } from '../../kernel/db/schema.ts'
import { enqueueMail } from '../../kernel/mail/outbox.ts'
import { insertAccount } from '../../kernel/accounts/accounts.ts'
import { findPersonNameProblem } from '../../kernel/accounts/person-names.ts'
import { checkPasswordPolicy, hashPassword, type PasswordRule } from '../../kernel/security/passwords.ts'
import { enforceRateLimit } from '../../kernel/security/rate-limits.ts'
import { withMinimumDuration } from '../../kernel/security/timing.ts'
import { digestToken } from '../../kernel/security/tokens.ts'
import { canonicalEmail } from '../../kernel/text.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { sendConfirmationEmail } from '../email-confirmation/index.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'
import { isPersonalEmailDomain } from '../../kernel/accounts/personal-email-domains.ts'
import { existingAccountNotice } from './emails/existing-account-notice.ts'
import { findAccountByEmail, findHospital, findProfession, listHospitalSites } from './registration.queries.ts'
import type { RegistrationMessages } from './messages.ts'
import type { RequestMeta } from '../../kernel/audit/audit-trail.ts'

/** The form's fields, named as in the page (French URLs, French field names). */
export type RegistrationField =
  | 'civilite' | 'nom' | 'prenom' | 'email' | 'motDePasse' | 'confirmationMotDePasse'
  | 'profession' | 'hopital' | 'sites' | 'cgu'

export interface RegistrationInput {
  civility?: string
  lastName?: string
  firstName?: string
  email?: string
  password?: string
  passwordConfirmation?: string
  professionCode?: string
  hospitalId?: string
  siteIds: string[]
  cguAccepted: boolean
}

export interface ValidRegistration {
  civility: Civility
  lastName: string
  firstName: string
  email: string
  password: string
  profession: { code: string; label: string }
  hospital: { id: string; name: string }
  siteIds: string[]
  accountManagerRequest: boolean
  personalEmail: boolean
}

/** A problem is the key of its message in `messages.ts`. */
export type RegistrationProblem = keyof Pick<RegistrationMessages,
  | 'civilityRequired' | 'lastNameRequired' | 'firstNameRequired' | 'nameInvalid' | 'emailRequired'
  | 'emailInvalid' | 'emailUnsafeCharacters' | 'passwordRequired' | 'passwordBroken' | 'passwordConfirmationRequired' | 'passwordMismatch'
  | 'professionRequired' | 'professionUnknown' | 'hospitalRequired' | 'hospitalUnknown' | 'sitesRequired'
  | 'sitesOfAnotherHospital' | 'cguRequired'>

export type RegistrationCheck =
  | { outcome: 'valid'; registration: ValidRegistration }
  | { outcome: 'invalid'; problems: Partial<Record<RegistrationField, RegistrationProblem>>; brokenPasswordRules: PasswordRule[] }

/** Checks every field (all problems at once, so the form shows them together). */
export async function checkRegistration (ctx: FlowContext, input: RegistrationInput): Promise<RegistrationCheck> {
  const { db, rules } = ctx
  const problems: Partial<Record<RegistrationField, RegistrationProblem>> = {}
  const civility = input.civility === 'mme' || input.civility === 'm' ? input.civility : undefined
  if (!civility) problems.civilite = 'civilityRequired'
  const lastName = input.lastName?.trim() ?? ''
  const firstName = input.firstName?.trim() ?? ''
  const lastNameProblem = findPersonNameProblem(lastName)
  if (lastNameProblem) problems.nom = lastNameProblem === 'missing' ? 'lastNameRequired' : 'nameInvalid'
  const firstNameProblem = findPersonNameProblem(firstName)
  if (firstNameProblem) problems.prenom = firstNameProblem === 'missing' ? 'firstNameRequired' : 'nameInvalid'
  const typedEmail = (input.email ?? '').trim()
  const canonical = canonicalEmail(typedEmail)
  if (typedEmail === '') problems.email = 'emailRequired'
  else if (!canonical.ok) problems.email = canonical.problem
  const email = canonical.ok ? canonical.email : typedEmail

  const profession = input.professionCode ? await findProfession(db, input.professionCode) : undefined
  if (!input.professionCode) problems.profession = 'professionRequired'
  else if (!profession) problems.profession = 'professionUnknown'

  const hospital = input.hospitalId ? await findHospital(db, input.hospitalId) : undefined
  if (!input.hospitalId) problems.hopital = 'hospitalRequired'
  else if (!hospital) problems.hopital = 'hospitalUnknown'
  const siteIds = [...new Set(input.siteIds)]
  const hospitalSites = hospital ? await listHospitalSites(db, hospital.id) : []
  if (siteIds.length === 0) problems.sites = 'sitesRequired'
  else if (hospital && !siteIds.every((id) => hospitalSites.some((site) => site.id === id))) problems.sites = 'sitesOfAnotherHospital'
  if (!input.cguAccepted) problems.cgu = 'cguRequired'

  const password = input.password ?? ''
  const personalWords = [lastName, firstName, email.slice(0, email.lastIndexOf('@')), hospital?.name ?? '']
  const brokenPasswordRules = password === '' ? [] : checkPasswordPolicy(password, rules, personalWords)
  if (password === '') problems.motDePasse = 'passwordRequired'
  else if (brokenPasswordRules.length > 0) problems.motDePasse = 'passwordBroken'
  if (!input.passwordConfirmation) problems.confirmationMotDePasse = 'passwordConfirmationRequired'
  else if (password !== '' && input.passwordConfirmation !== password) problems.confirmationMotDePasse = 'passwordMismatch'

  if (Object.keys(problems).length > 0 || !civility || !profession || !hospital) {
    return { outcome: 'invalid', problems, brokenPasswordRules }
  }
  const adminSiteIds = new Set(hospitalSites.filter((s) => s.kind === 'accountAdministration').map((s) => s.id))
  return {
    outcome: 'valid',
    registration: {
      civility,
      lastName,
      firstName,
      email,
      password,
      profession: { code: profession.code, label: profession.label_fr },
      hospital,
      siteIds,
      accountManagerRequest: siteIds.some((id) => adminSiteIds.has(id)),
      personalEmail: isPersonalEmailDomain(email),
    },
  }
}

export type RegistrationResult =
  | { outcome: 'registered'; accountId: string }
  | { outcome: 'existingEmail' } // the caller answers exactly as for 'registered'

/** Creates the account (or notifies the owner of an existing address). Throws RateLimited past the limits. */
export async function registerAccount (ctx: FlowContext, registration: ValidRegistration, meta: RequestMeta): Promise<RegistrationResult> {
  const now = ctx.clock.now()
  const window = ctx.rules.registrationRateWindow
  await enforceRateLimit(ctx.db, `registration:ip:${meta.ip}`, { limit: ctx.rules.registrationsPerAddress, window }, now)
  await enforceRateLimit(ctx.db, `registration:email:${digestToken(registration.email)}`, { limit: ctx.rules.registrationsPerEmail, window }, now)
  // Hashed before knowing whether the address exists, outside the transaction: both paths cost the same.
  const passwordHash = await hashPassword(registration.password)
  // A new account costs more writes than the notice to an existing one: same floor for both.
  return withMinimumDuration(ctx.rules.registrationWriteMinimumDuration, () => writeRegistration(ctx, registration, passwordHash, meta, now))
}

async function writeRegistration (ctx: FlowContext, registration: ValidRegistration, passwordHash: string, meta: RequestMeta, now: number): Promise<RegistrationResult> {
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      const existing = await findAccountByEmail(tx, registration.email)
      if (existing) return noticeExistingAccount(ctx, tx, existing.id, registration, meta, now)
      return createAccount(ctx, tx, registration, passwordHash, meta, now)
    })
  } catch (error) {
    // A parallel registration of the same address won the insert: this one met an existing account.
    if (!isUniqueViolation(error)) throw error
    return ctx.db.transaction().execute(async (tx) => {
      const existing = await findAccountByEmail(tx, registration.email)
      if (!existing) throw error
      return noticeExistingAccount(ctx, tx, existing.id, registration, meta, now)
    })
  }
}

async function createAccount (ctx: FlowContext, tx: Db, registration: ValidRegistration, passwordHash: string, meta: RequestMeta, now: number): Promise<RegistrationResult> {
  const accountId = await insertAccount(tx, {
    email: registration.email,
    civility: registration.civility,
    lastName: registration.lastName,
    firstName: registration.firstName,
    professionCode: registration.profession.code,
    passwordHash,
    siteIds: registration.siteIds,
  }, now)
  await sendConfirmationEmail(ctx, tx, accountId)
  await recordEvent(tx, {
    type: 'account.registered',
    actorId: accountId,
    targetId: accountId,
    hospitalId: registration.hospital.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    details: { siteIds: registration.siteIds, accountManagerRequest: registration.accountManagerRequest, personalEmail: registration.personalEmail },
  }, now)
  return { outcome: 'registered', accountId }
}

async function noticeExistingAccount (ctx: FlowContext, tx: Db, accountId: string, registration: ValidRegistration, meta: RequestMeta, now: number): Promise<RegistrationResult> {
  await enqueueMail(tx, existingAccountNotice(ctx.mail, registration.email), now)
  // Filed under the existing account's hospital (recordEvent's default), not the one typed in the
  // form: that one is the visitor's choice, and its managers must not learn the address exists.
  await recordEvent(tx, {
    type: 'account.registrationAttemptOnExistingEmail',
    outcome: 'refused',
    actorId: null,
    targetId: accountId,
    ip: meta.ip,
    userAgent: meta.userAgent,
    details: { chosenHospitalId: registration.hospital.id },
  }, now)
  return { outcome: 'existingEmail' }
}
