/**
 * Editing a user: admin guide §3 « Vérifier/corriger les données des utilisateurs »: §3.1 names,
 * §3.2 profession, §3.3 email, §3.4 sites (§3.4.1 add, §3.4.2 remove: « un profil doit toujours
 * avoir au moins un site de renseigné »), all in one form saved by one « Valider », in one
 * transaction.
 *
 * A new email address is used only once its holder confirms it (a single-use link to the new
 * address, a notice to the old one). Every change is audited with its before → after values.
 * The link records who asked it; when it is confirmed, that person must still be allowed to
 * change the account (hospital-scope.ts), read again in the confirming transaction. A change of
 * the account's status, role or sites, or of the requester's, voids it (`voidPendingEmailChanges`).
 */
import { isUniqueViolation, type Db } from '../../kernel/db/database.ts'
import type { Civility, SiteKind } from '../../kernel/db/schema.ts'
import { enqueueMail } from '../../kernel/mail/outbox.ts'
import { consumeAccountToken, issueAccountToken, voidPendingEmailChanges } from '../../kernel/accounts/account-tokens.ts'
import { accountSearchText } from '../../kernel/accounts/accounts.ts'
import { findPersonNameProblem } from '../../kernel/accounts/person-names.ts'
import { canonicalEmail, escapeLike, foldForSearch, type CanonicalEmail } from '../../kernel/text.ts'
import { digestToken, isWellFormedToken } from '../../kernel/security/tokens.ts'
import { sql, type SqlBool } from 'kysely'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { invalidateAccountSessions } from '../sessions/index.ts'
import { endAccessAtClients } from '../../kernel/accounts/client-access.ts'
import { emailChangeConfirmationEmail, emailChangeNoticeEmail } from './emails/email-change.ts'
import { findManagedAccount, refusalToAddSite, refusalToChange, refusalToRemoveSite, uuidPattern, type ManagedAccount, type ScopeRefusal } from './hospital-scope.ts'
import { findCurrentManager, type Manager } from '../../kernel/accounts/managed-accounts.ts'
import { auditFields, lockAccountRow, withManagedAccount, type ConsoleActor } from './account-actions.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'
import type { RequestMeta } from '../../kernel/audit/audit-trail.ts'

export interface IdentityForm {
  civility: Civility
  lastName: string
  firstName: string
  professionCode: string
  email: string
}

export type EditProblem = 'professionUnknown' | 'emailInvalid' | 'emailUnsafeCharacters' | 'emailTaken' | 'lastNameRequired' | 'firstNameRequired' | 'nameInvalid'

export type SiteRefusal =
  | { outcome: 'refused'; status: 403; scope: ScopeRefusal }
  | { outcome: 'refused'; status: 409; problem: 'lastSite' | 'siteUnknown' }

export type EditResult =
  | { outcome: 'saved'; changed: string[]; sitesAdded: number; sitesRemoved: number; emailChangeSentTo: string | undefined }
  | { outcome: 'invalid'; problems: Partial<Record<'nom' | 'prenom' | 'profession' | 'email', EditProblem>> }
  | SiteRefusal

async function findEditProblems (tx: Db, account: ManagedAccount, form: IdentityForm, email: CanonicalEmail) {
  const problems: Extract<EditResult, { outcome: 'invalid' }>['problems'] = {}
  // Registration's name rules (user guide §2.1): the same check on every write of a name.
  const lastNameProblem = findPersonNameProblem(form.lastName)
  if (lastNameProblem) problems.nom = lastNameProblem === 'missing' ? 'lastNameRequired' : 'nameInvalid'
  const firstNameProblem = findPersonNameProblem(form.firstName)
  if (firstNameProblem) problems.prenom = firstNameProblem === 'missing' ? 'firstNameRequired' : 'nameInvalid'
  const profession = await tx.selectFrom('profession').select('code')
    .where('code', '=', form.professionCode).where('archived_at', 'is', null).executeTakeFirst()
  if (!profession && form.professionCode !== account.profession_code) problems.profession = 'professionUnknown'
  if (!email.ok) problems.email = email.problem
  else if (email.email !== account.email) {
    const owner = await tx.selectFrom('account').select('id').where('email', '=', email.email).executeTakeFirst()
    if (owner) problems.email = 'emailTaken'
  }
  return problems
}

/** What the one « Valider » of the edit form submits (§3.1–3.4.2): the identity and the site changes. */
export interface AccountEdits {
  identity: IdentityForm
  /** Sites chosen in the « Sites » field, by id. */
  addSiteIds: readonly string[]
  /** Sites whose label's cross was clicked, by id. */
  removeSiteIds: readonly string[]
}

/**
 * Saves the whole edit form in one transaction (§3.4.1–3.4.2 « … Validez. »): civility, names,
 * profession, the sites added and removed, and the start of an email change. Every rule is checked
 * before the first write (scope, fields, each site's scope, the last-site rule), so any refusal
 * saves nothing, the names included. One audit event per change.
 */
export async function saveAccountEdits (ctx: FlowContext, actor: ConsoleActor, accountId: unknown, edits: AccountEdits): Promise<EditResult> {
  const form = { ...edits.identity, lastName: edits.identity.lastName.trim(), firstName: edits.identity.firstName.trim() }
  const canonical = canonicalEmail(form.email)
  return withManagedAccount(ctx, actor, accountId, { allowed: refusalToChange, lockRow: true }, async (tx, account, now): Promise<EditResult> => {
    const problems = await findEditProblems(tx, account, form, canonical)
    if (Object.keys(problems).length > 0 || !canonical.ok) return { outcome: 'invalid', problems } as const
    const email = canonical.email
    const plan = await planSiteChanges(tx, actor.manager, account, edits)
    if (plan.outcome === 'refused') return plan
    const changed = await saveIdentityChanges(tx, actor, account, form, now)
    await applySiteChanges(tx, actor, account, plan, now)
    const emailChangeSentTo = email !== account.email ? await requestEmailChange(ctx, tx, actor, account, email, now) : undefined
    return { outcome: 'saved', changed, sitesAdded: plan.added.length, sitesRemoved: plan.removed.length, emailChangeSentTo } as const
  })
}

async function saveIdentityChanges (tx: Db, actor: ConsoleActor, account: ManagedAccount, form: IdentityForm, now: number): Promise<string[]> {
  const after = { civility: form.civility, last_name: form.lastName, first_name: form.firstName, profession_code: form.professionCode }
  const changes = Object.fromEntries((Object.keys(after) as Array<keyof typeof after>)
    .filter((field) => account[field] !== after[field])
    .map((field) => [field, { before: account[field], after: after[field] }]))
  if (Object.keys(changes).length === 0) return []
  await tx.updateTable('account')
    .set({ ...after, search_text: accountSearchText({ lastName: form.lastName, firstName: form.firstName, email: account.email }) })
    .where('id', '=', account.id).execute()
  // §3.1: « Il arrive que des utilisateurs inversent leur nom et leur prénom »: the journal says so.
  const swapNames = account.last_name !== account.first_name && form.lastName === account.first_name && form.firstName === account.last_name
  await recordEvent(tx, { type: 'admin.accountEdited', ...auditFields(actor, account), details: { changes, swapNames } }, now)
  return Object.keys(changes)
}

type SiteRow = { id: string; hospital_id: string; kind: SiteKind; title: string; abbreviation: string | null }
type SitePlan = { outcome: 'planned'; added: SiteRow[]; removed: ManagedAccount['sites'] }

/**
 * The site changes, each checked against the scope rules (refusalToAddSite, refusalToRemoveSite)
 * and the last-site rule before anything is written. A site already on the profile is not added
 * twice; one already gone (removed meanwhile) is not removed twice.
 */
async function planSiteChanges (tx: Db, manager: Manager, account: ManagedAccount, edits: AccountEdits): Promise<SitePlan | SiteRefusal> {
  const current = new Set(account.sites.map((s) => s.id))
  const addIds = [...new Set(edits.addSiteIds)].filter((id) => !current.has(id))
  const removeIds = [...new Set(edits.removeSiteIds)].filter((id) => !edits.addSiteIds.includes(id))
  const known = await findSites(tx, [...addIds, ...removeIds])
  const added: SiteRow[] = []
  for (const id of addIds) {
    const site = known.find((s) => s.id === id && s.archived_at === null)
    if (!site) return { outcome: 'refused', status: 409, problem: 'siteUnknown' }
    const refusal = refusalToAddSite(manager, account, { hospitalId: site.hospital_id, kind: site.kind })
    if (refusal) return { outcome: 'refused', status: 403, scope: refusal }
    added.push(site)
  }
  const removed: ManagedAccount['sites'] = []
  for (const id of removeIds) {
    const site = account.sites.find((s) => s.id === id)
    if (!site) {
      if (!known.some((s) => s.id === id)) return { outcome: 'refused', status: 409, problem: 'siteUnknown' }
      continue
    }
    const refusal = refusalToRemoveSite(manager, account, site)
    if (refusal) return { outcome: 'refused', status: 403, scope: refusal }
    removed.push(site)
  }
  // §3.4.2 « un profil doit toujours avoir au moins un site de renseigné ».
  if (removed.length > 0 && account.sites.length - removed.length + added.length < 1) return { outcome: 'refused', status: 409, problem: 'lastSite' }
  return { outcome: 'planned', added, removed }
}

function findSites (tx: Db, ids: string[]) {
  const wellFormed = ids.filter((id) => uuidPattern.test(id))
  if (wellFormed.length === 0) return Promise.resolve([])
  return tx.selectFrom('site').select(['id', 'hospital_id', 'kind', 'title', 'abbreviation', 'archived_at'])
    .where('id', 'in', wellFormed).execute()
}

/** One admin.siteAdded / admin.siteRemoved per site, each with the profile's sites before and after it. */
async function applySiteChanges (tx: Db, actor: ConsoleActor, account: ManagedAccount, plan: SitePlan, now: number): Promise<void> {
  let siteIds = account.sites.map((s) => s.id)
  for (const site of plan.added) {
    await tx.insertInto('account_site').values({ account_id: account.id, site_id: site.id, added_at: now, added_by: actor.manager.id }).execute()
    const after = [...siteIds, site.id]
    await recordEvent(tx, { type: 'admin.siteAdded', ...auditFields(actor, account), details: { siteId: site.id, site: siteLabel(site), before: siteIds, after } }, now)
    siteIds = after
  }
  for (const site of plan.removed) {
    await tx.deleteFrom('account_site').where('account_id', '=', account.id).where('site_id', '=', site.id).execute()
    const after = siteIds.filter((id) => id !== site.id)
    await recordEvent(tx, { type: 'admin.siteRemoved', ...auditFields(actor, account), details: { siteId: site.id, site: siteLabel(site), before: siteIds, after } }, now)
    siteIds = after
  }
  // A change of the account's sites voids a pending email change (admin guide §3.3): the link was
  // asked about the account as it was. An email change asked in this same form comes after.
  if (plan.added.length + plan.removed.length > 0) await voidPendingEmailChanges(tx, account.id, now)
  // A site removed: the applications holding the account's old sites sign it out.
  if (plan.removed.length > 0) await endAccessAtClients(tx, account.id, 'siteRemoved', now)
}

/** The new address gets a single-use link; the old one a notice. Nothing changes until confirmed. */
async function requestEmailChange (ctx: FlowContext, tx: Db, actor: ConsoleActor, account: ManagedAccount, newEmail: string, now: number): Promise<string> {
  const token = await issueAccountToken(tx, account.id, 'emailChange', ctx.rules.emailConfirmationTtl, now, newEmail, actor.manager.id)
  const validDays = Math.max(1, Math.round(ctx.rules.emailConfirmationTtl / (24 * 3600 * 1000)))
  await enqueueMail(tx, emailChangeConfirmationEmail(ctx.mail, account, newEmail, token, validDays), now)
  await enqueueMail(tx, emailChangeNoticeEmail(ctx.mail, account, newEmail), now)
  await recordEvent(tx, { type: 'admin.emailChangeRequested', ...auditFields(actor, account), details: { before: account.email, after: newEmail } }, now)
  return newEmail
}

/** The pending new address of an account, if an email change awaits confirmation. */
export async function findPendingEmailChange (db: Db, accountId: string, now: number): Promise<string | undefined> {
  const row = await db.selectFrom('account_token').select('payload')
    .where('account_id', '=', accountId).where('purpose', '=', 'emailChange')
    .where('used_at', 'is', null).where('expires_at', '>', now)
    .orderBy('created_at', 'desc').executeTakeFirst()
  return row?.payload ?? undefined
}

/** Why the requester may no longer change the account now; undefined when they still may. */
export type EmailChangeRevocation = 'requesterUnknown' | 'requesterNotManager' | 'accountOutOfScope' | ScopeRefusal

/**
 * Read again when the link is used (admin guide §3.3 with §4.1 and the « no escalation » rule):
 * the requester is still an active account manager or super-administrator, the account is still
 * in their scope, and they may still change it (not read-only, not protected). The same rules as
 * the console, from hospital-scope.ts.
 */
async function revocationOfEmailChange (tx: Db, requestedBy: string | null, accountId: string): Promise<EmailChangeRevocation | undefined> {
  if (requestedBy === null) return 'requesterUnknown'
  const requester = await findCurrentManager(tx, requestedBy)
  if (!requester) return 'requesterNotManager'
  const account = await findManagedAccount(tx, requester, accountId)
  if (!account) return 'accountOutOfScope'
  return refusalToChange(requester, account)
}

export type EmailChangeLink =
  | { outcome: 'usable'; email: string }
  | { outcome: 'invalidLink' }
  | { outcome: 'revoked' }

/** What a link would do now (GET page: shown, not used). */
export async function findEmailChangeByToken (db: Db, token: unknown, now: number): Promise<EmailChangeLink> {
  if (!isWellFormedToken(token)) return { outcome: 'invalidLink' }
  const row = await db.selectFrom('account_token').select(['payload', 'account_id', 'requested_by'])
    .where('digest', '=', digestToken(token)).where('purpose', '=', 'emailChange')
    .where('used_at', 'is', null).where('expires_at', '>', now)
    .executeTakeFirst()
  if (!row?.payload) return { outcome: 'invalidLink' }
  if (await revocationOfEmailChange(db, row.requested_by, row.account_id)) return { outcome: 'revoked' }
  return { outcome: 'usable', email: row.payload }
}

async function findEmailChangeAccountId (db: Db, token: unknown): Promise<string | undefined> {
  if (!isWellFormedToken(token)) return undefined
  const row = await db.selectFrom('account_token').select('account_id')
    .where('digest', '=', digestToken(token)).where('purpose', '=', 'emailChange').executeTakeFirst()
  return row?.account_id
}

export type EmailChangeResult =
  | { outcome: 'changed'; email: string }
  | { outcome: 'invalidLink' }
  | { outcome: 'revoked' }
  | { outcome: 'taken' }

/**
 * POST /gestion/changement-email: consumes the link and makes the new address the login, only if
 * its requester may still change the account (checked in this transaction; a refused link is used
 * up and audited, nothing else changes).
 */
export async function confirmEmailChange (ctx: FlowContext, token: unknown, meta: RequestMeta): Promise<EmailChangeResult> {
  const now = ctx.clock.now()
  try {
    return await ctx.db.transaction().execute(async (tx) => {
      // The account's row lock before the link's, in the order the console's changes take them
      // (activation, deactivation, sites: account, then voiding its links): no deadlock.
      await lockAccountRow(tx, await findEmailChangeAccountId(tx, token))
      const consumed = await consumeAccountToken(tx, token, 'emailChange', now)
      if (!consumed || !consumed.payload) return { outcome: 'invalidLink' } as const
      const newEmail = consumed.payload
      const revocation = await revocationOfEmailChange(tx, consumed.requestedBy, consumed.accountId)
      if (revocation) {
        await recordEvent(tx, {
          type: 'account.emailChangeRefused',
          outcome: 'refused',
          actorId: null,
          targetId: consumed.accountId,
          ip: meta.ip,
          userAgent: meta.userAgent,
          details: { reason: revocation, requestedBy: consumed.requestedBy, after: newEmail },
        }, now)
        return { outcome: 'revoked' } as const
      }
      const owner = await tx.selectFrom('account').select('id').where('email', '=', newEmail).executeTakeFirst()
      if (owner && owner.id !== consumed.accountId) return { outcome: 'taken' } as const
      const account = await tx.selectFrom('account').select(['email', 'last_name', 'first_name'])
        .where('id', '=', consumed.accountId).executeTakeFirstOrThrow()
      await tx.updateTable('account')
        .set({ email: newEmail, search_text: accountSearchText({ lastName: account.last_name, firstName: account.first_name, email: newEmail }) })
        .where('id', '=', consumed.accountId).execute()
      // The login changed: open sessions end, and links sent to the old address stop working.
      await invalidateAccountSessions(tx, consumed.accountId)
      await endAccessAtClients(tx, consumed.accountId, 'emailChanged', now)
      await tx.updateTable('account_token').set({ used_at: now })
        .where('account_id', '=', consumed.accountId).where('used_at', 'is', null).execute()
      await recordEvent(tx, {
        type: 'account.emailChanged',
        actorId: consumed.accountId,
        targetId: consumed.accountId,
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { before: account.email, after: newEmail },
      }, now)
      return { outcome: 'changed', email: newEmail } as const
    })
  } catch (error) {
    // Two changes to the same new address confirmed at once: the second finds it taken.
    if (isUniqueViolation(error)) return { outcome: 'taken' }
    throw error
  }
}

/** A site as every console page names it: « ABBR — Titre », then « (Hôpital) » when asked, never twice. */
export function siteLabel (site: { title: string; abbreviation: string | null }, hospitalName?: string): string {
  const label = site.abbreviation ? `${site.abbreviation} — ${site.title}` : site.title
  return hospitalName === undefined ? label : withHospital(label, hospitalName)
}

/** « Label (Hôpital) », except where the label already ends with its hospital. */
export function withHospital (label: string, hospitalName: string): string {
  // A « Site administrateur comptes (Hôpital) » already names its hospital (admin guide §2.1).
  return label.endsWith(`(${hospitalName})`) ? label : `${label} (${hospitalName})`
}

/**
 * « Ajouter un site »: by title, abbreviation (« Malo ») or lead's name (« Duflo »), accents and
 * case ignored. An account manager is offered only sites of hospitals they manage, and never an
 * account-manager site.
 */
export async function searchSites (db: Db, manager: Manager, term: string) {
  const folded = foldForSearch(term)
  if (folded === '') return []
  let query = db.selectFrom('site').innerJoin('hospital', 'hospital.id', 'site.hospital_id')
    .select(['site.id', 'site.title', 'site.abbreviation', 'site.lead_name', 'site.kind', 'hospital.name as hospital_name'])
    .where('site.archived_at', 'is', null)
    .where(sql<SqlBool>`site.search_text like ${`%${escapeLike(folded)}%`} escape '\\'`)
  if (!manager.isSuperadmin) {
    query = query.where('site.hospital_id', 'in', manager.hospitalIds.length > 0 ? [...manager.hospitalIds] : [''])
      .where('site.kind', '!=', 'accountAdministration')
  }
  return query.orderBy('site.sort_key').orderBy('site.id').limit(30).execute()
}

/** The sites chosen in the form but not saved yet, as the « Sites » field shows them (not archived). */
export async function findChosenSites (db: Db, ids: readonly string[]) {
  const wellFormed = ids.filter((id) => uuidPattern.test(id))
  if (wellFormed.length === 0) return []
  return db.selectFrom('site').innerJoin('hospital', 'hospital.id', 'site.hospital_id')
    .select(['site.id', 'site.title', 'site.abbreviation', 'hospital.name as hospital_name'])
    .where('site.id', 'in', wellFormed).where('site.archived_at', 'is', null)
    .orderBy('site.title').orderBy('site.id').execute()
}
