/**
 * Editing a user: admin guide §3 « Vérifier/corriger les données des utilisateurs »: §3.1 names
 * (with the one-click swap), §3.2 profession, §3.3 email, §3.4 sites (§3.4.1 add, §3.4.2 remove:
 * « un profil doit toujours avoir au moins un site de renseigné »).
 *
 * A new email address is used only once its holder confirms it (a single-use link to the new
 * address, a notice to the old one). Every change is audited with its before → after values.
 */
import { isUniqueViolation, type Db } from '../../kernel/db/database.ts'
import type { Civility } from '../../kernel/db/schema.ts'
import { enqueueMail } from '../../kernel/mail/outbox.ts'
import { consumeAccountToken, issueAccountToken } from '../../kernel/accounts/account-tokens.ts'
import { accountSearchText } from '../../kernel/accounts/accounts.ts'
import { escapeLike, foldForSearch, isWellFormedEmail, normalizeEmail } from '../../kernel/text.ts'
import { digestToken, isWellFormedToken } from '../../kernel/security/tokens.ts'
import { sql, type SqlBool } from 'kysely'
import { recordEvent } from '../audit/index.ts'
import { invalidateAccountSessions } from '../sessions/index.ts'
import { emailChangeConfirmationEmail, emailChangeNoticeEmail } from './emails/email-change.ts'
import {
  refusalToAddSite, refusalToChange, refusalToRemoveSite, requireManagedAccount,
  type ManagedAccount, type Manager, type ScopeRefusal,
} from './hospital-scope.ts'
import { auditFields, type ConsoleContext } from './account-actions.ts'

export interface IdentityForm {
  civility: Civility
  lastName: string
  firstName: string
  professionCode: string
  email: string
}

export type EditProblem = 'professionUnknown' | 'emailInvalid' | 'emailTaken' | 'lastNameRequired' | 'firstNameRequired'

export type EditResult =
  | { outcome: 'saved'; changed: string[]; emailChangeSentTo: string | undefined }
  | { outcome: 'invalid'; problems: Partial<Record<'nom' | 'prenom' | 'profession' | 'email', EditProblem>> }
  | { outcome: 'refused'; status: 403; scope: ScopeRefusal }

export type SiteResult =
  | { outcome: 'done'; siteLabel: string }
  | { outcome: 'refused'; status: 403; scope: ScopeRefusal }
  | { outcome: 'refused'; status: 409; problem: 'lastSite' | 'siteUnknown' }

/** Takes the account's row lock first, so two parallel edits (two last sites removed) serialize. */
async function lockAccountRow (tx: Db, accountId: unknown) {
  if (typeof accountId !== 'string') return
  await tx.updateTable('account').set((eb) => ({ failed_password_count: eb.ref('failed_password_count') }))
    .where('id', '=', accountId).execute()
}

async function findEditProblems (tx: Db, account: ManagedAccount, form: IdentityForm, email: string) {
  const problems: Extract<EditResult, { outcome: 'invalid' }>['problems'] = {}
  if (form.lastName === '') problems.nom = 'lastNameRequired'
  if (form.firstName === '') problems.prenom = 'firstNameRequired'
  const profession = await tx.selectFrom('profession').select('code')
    .where('code', '=', form.professionCode).where('archived_at', 'is', null).executeTakeFirst()
  if (!profession && form.professionCode !== account.profession_code) problems.profession = 'professionUnknown'
  if (!isWellFormedEmail(email)) problems.email = 'emailInvalid'
  else if (email !== account.email) {
    const owner = await tx.selectFrom('account').select('id').where('email', '=', email).executeTakeFirst()
    if (owner) problems.email = 'emailTaken'
  }
  return problems
}

/** Saves civility, names and profession, and starts an email change when the address differs. */
export async function saveAccountIdentity (ctx: ConsoleContext, accountId: unknown, submitted: IdentityForm, options: { swapNames: boolean }): Promise<EditResult> {
  const form = {
    ...submitted,
    lastName: (options.swapNames ? submitted.firstName : submitted.lastName).trim(),
    firstName: (options.swapNames ? submitted.lastName : submitted.firstName).trim(),
  }
  const email = normalizeEmail(form.email)
  return ctx.db.transaction().execute(async (tx) => {
    await lockAccountRow(tx, accountId)
    const account = await requireManagedAccount(tx, ctx.manager, accountId)
    const refusal = refusalToChange(ctx.manager, account)
    if (refusal) return { outcome: 'refused', status: 403, scope: refusal } as const
    const problems = await findEditProblems(tx, account, form, email)
    if (Object.keys(problems).length > 0) return { outcome: 'invalid', problems } as const
    const after = { civility: form.civility, last_name: form.lastName, first_name: form.firstName, profession_code: form.professionCode }
    const changes = Object.fromEntries((Object.keys(after) as Array<keyof typeof after>)
      .filter((field) => account[field] !== after[field])
      .map((field) => [field, { before: account[field], after: after[field] }]))
    if (Object.keys(changes).length > 0) {
      await tx.updateTable('account')
        .set({ ...after, search_text: accountSearchText({ lastName: form.lastName, firstName: form.firstName, email: account.email }) })
        .where('id', '=', account.id).execute()
      await recordEvent(tx, { type: 'admin.accountEdited', ...auditFields(ctx, account), details: { changes, swapNames: options.swapNames } }, ctx.now)
    }
    const emailChangeSentTo = email !== account.email ? await requestEmailChange(tx, ctx, account, email) : undefined
    return { outcome: 'saved', changed: Object.keys(changes), emailChangeSentTo } as const
  })
}

/** The new address gets a single-use link; the old one a notice. Nothing changes until confirmed. */
async function requestEmailChange (tx: Db, ctx: ConsoleContext, account: ManagedAccount, newEmail: string): Promise<string> {
  const token = await issueAccountToken(tx, account.id, 'emailChange', ctx.rules.emailConfirmationTtl, ctx.now, newEmail)
  const validDays = Math.max(1, Math.round(ctx.rules.emailConfirmationTtl / (24 * 3600 * 1000)))
  await enqueueMail(tx, emailChangeConfirmationEmail(ctx.mailContext, account, newEmail, token, validDays), ctx.now)
  await enqueueMail(tx, emailChangeNoticeEmail(ctx.mailContext, account, newEmail), ctx.now)
  await recordEvent(tx, { type: 'admin.emailChangeRequested', ...auditFields(ctx, account), details: { before: account.email, after: newEmail } }, ctx.now)
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

/** The new address a still-usable email-change link would confirm (GET page: shown, not used). */
export async function findEmailChangeByToken (db: Db, token: unknown, now: number): Promise<string | undefined> {
  if (!isWellFormedToken(token)) return undefined
  const row = await db.selectFrom('account_token').select('payload')
    .where('digest', '=', digestToken(token)).where('purpose', '=', 'emailChange')
    .where('used_at', 'is', null).where('expires_at', '>', now)
    .executeTakeFirst()
  return row?.payload ?? undefined
}

export type EmailChangeResult =
  | { outcome: 'changed'; email: string }
  | { outcome: 'invalidLink' }
  | { outcome: 'taken' }

/** POST /gestion/changement-email: consumes the link and makes the new address the login. */
export async function confirmEmailChange (db: Db, token: unknown, meta: ConsoleContext['meta'], now: number): Promise<EmailChangeResult> {
  try {
    return await db.transaction().execute(async (tx) => {
      const consumed = await consumeAccountToken(tx, token, 'emailChange', now)
      if (!consumed || !consumed.payload) return { outcome: 'invalidLink' } as const
      const newEmail = consumed.payload
      const owner = await tx.selectFrom('account').select('id').where('email', '=', newEmail).executeTakeFirst()
      if (owner && owner.id !== consumed.accountId) return { outcome: 'taken' } as const
      const account = await tx.selectFrom('account').select(['email', 'last_name', 'first_name'])
        .where('id', '=', consumed.accountId).executeTakeFirstOrThrow()
      await tx.updateTable('account')
        .set({ email: newEmail, search_text: accountSearchText({ lastName: account.last_name, firstName: account.first_name, email: newEmail }) })
        .where('id', '=', consumed.accountId).execute()
      // The login changed: open sessions end, and links sent to the old address stop working.
      await invalidateAccountSessions(tx, consumed.accountId)
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
  // A « Site administrateur comptes (Hôpital) » already names its hospital (admin guide §2.1).
  if (hospitalName === undefined || site.title.endsWith(`(${hospitalName})`)) return label
  return `${label} (${hospitalName})`
}

/** §3.4.1 « Ajouter un site à un profil »: only sites of hospitals the manager manages. */
export async function addSiteToAccount (ctx: ConsoleContext, accountId: unknown, siteId: string): Promise<SiteResult> {
  return ctx.db.transaction().execute(async (tx) => {
    await lockAccountRow(tx, accountId)
    const account = await requireManagedAccount(tx, ctx.manager, accountId)
    const site = await tx.selectFrom('site').select(['id', 'hospital_id', 'kind', 'title', 'abbreviation'])
      .where('id', '=', siteId).where('archived_at', 'is', null).executeTakeFirst()
    if (!site) {
      const refusal = refusalToChange(ctx.manager, account)
      return refusal ? { outcome: 'refused', status: 403, scope: refusal } as const : { outcome: 'refused', status: 409, problem: 'siteUnknown' } as const
    }
    const refusal = refusalToAddSite(ctx.manager, account, { hospitalId: site.hospital_id, kind: site.kind })
    if (refusal) return { outcome: 'refused', status: 403, scope: refusal } as const
    if (!account.sites.some((s) => s.id === site.id)) {
      await tx.insertInto('account_site').values({ account_id: account.id, site_id: site.id, added_at: ctx.now, added_by: ctx.manager.id }).execute()
      await recordEvent(tx, {
        type: 'admin.siteAdded',
        ...auditFields(ctx, account),
        details: { siteId: site.id, site: siteLabel(site), before: account.sites.map((s) => s.id), after: [...account.sites.map((s) => s.id), site.id] },
      }, ctx.now)
    }
    return { outcome: 'done', siteLabel: siteLabel(site) } as const
  })
}

/** §3.4.2 « Retirer un site à un profil »: never the last one, never one's own account-manager site. */
export async function removeSiteFromAccount (ctx: ConsoleContext, accountId: unknown, siteId: string): Promise<SiteResult> {
  return ctx.db.transaction().execute(async (tx) => {
    await lockAccountRow(tx, accountId)
    const account = await requireManagedAccount(tx, ctx.manager, accountId)
    const site = account.sites.find((s) => s.id === siteId)
    if (!site) {
      const refusal = refusalToChange(ctx.manager, account)
      return refusal ? { outcome: 'refused', status: 403, scope: refusal } as const : { outcome: 'refused', status: 409, problem: 'siteUnknown' } as const
    }
    const refusal = refusalToRemoveSite(ctx.manager, account, site)
    if (refusal) return { outcome: 'refused', status: 403, scope: refusal } as const
    if (account.sites.length <= 1) return { outcome: 'refused', status: 409, problem: 'lastSite' } as const
    await tx.deleteFrom('account_site').where('account_id', '=', account.id).where('site_id', '=', site.id).execute()
    await recordEvent(tx, {
      type: 'admin.siteRemoved',
      ...auditFields(ctx, account),
      details: { siteId: site.id, site: siteLabel(site), before: account.sites.map((s) => s.id), after: account.sites.filter((s) => s.id !== site.id).map((s) => s.id) },
    }, ctx.now)
    return { outcome: 'done', siteLabel: siteLabel(site) } as const
  })
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
  return query.orderBy('site.title').orderBy('site.id').limit(30).execute()
}
