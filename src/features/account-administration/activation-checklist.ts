/**
 * Admin guide §4.1 « Points à vérifier avant d'activer un compte utilisateur »: the checks the
 * activation page helps with, as automatic warnings. They inform; they never block (the manager
 * decides). Personal mail domain, a domain that is not the hospital's, a possible duplicate
 * person (same name, either order), and a pending email change, which the activation voids
 * (account-actions.ts): the address checked here stays the login.
 *
 * A registration on a « Site administrateur comptes » is an account-manager request (admin guide
 * §2.1–2.2), activated by a super-administrator: it gets its own checklist (is this person the
 * hospital's account manager? an institutional address?), not the users' one, whose « never
 * register on the administrator site » would contradict the request itself.
 */
import { sql, type SqlBool } from 'kysely'
import type { Db } from '../../kernel/db/database.ts'
import { emailDomain, escapeLike, foldForSearch } from '../../kernel/text.ts'
import { isPersonalEmailDomain } from '../registration/index.ts'
import { holdsAccountManagerSite, type ManagedAccount } from './hospital-scope.ts'
import { selectManagedAccounts, type Manager } from '../../kernel/accounts/managed-accounts.ts'

export type ActivationWarning =
  | { kind: 'personalEmail'; domain: string }
  | { kind: 'foreignDomain'; domain: string; expected: string[] }
  | { kind: 'duplicate'; inScope: Array<{ id: string; name: string; email: string }>; elsewhere: number }
  | { kind: 'pendingEmailChange'; email: string; requester: string }

function isDomainOf (domain: string, hospitalDomain: string): boolean {
  return domain === hospitalDomain || domain.endsWith(`.${hospitalDomain}`)
}

async function findHospitalDomains (db: Db, hospitalIds: readonly string[]): Promise<string[]> {
  if (hospitalIds.length === 0) return []
  const rows = await db.selectFrom('hospital_email_domain').select('domain')
    .where('hospital_id', 'in', [...hospitalIds]).orderBy('domain').execute()
  return rows.map((r) => r.domain)
}

/** Accounts whose folded « last first » or « first last » equals this account's (search_text starts with it). */
function sameNameCondition (account: ManagedAccount) {
  const last = foldForSearch(account.last_name)
  const first = foldForSearch(account.first_name)
  const prefixes = [`${last} ${first} `, `${first} ${last} `].map((p) => `${escapeLike(p)}%`)
  return sql<SqlBool>`(account.search_text like ${prefixes[0]} escape '\\' or account.search_text like ${prefixes[1]} escape '\\')`
}

async function findPossibleDuplicates (db: Db, manager: Manager, account: ManagedAccount) {
  const all = await db.selectFrom('account').select(({ fn }) => fn.countAll<number>().as('n'))
    .where(sameNameCondition(account)).where('account.id', '!=', account.id).executeTakeFirstOrThrow()
  const inScope = await selectManagedAccounts(db, manager)
    .select(['account.id', 'account.last_name', 'account.first_name', 'account.email'])
    .where(sameNameCondition(account)).where('account.id', '!=', account.id)
    .orderBy('account.created_at').limit(10).execute()
  return {
    inScope: inScope.map((r) => ({ id: r.id, name: `${r.last_name} ${r.first_name}`, email: r.email })),
    elsewhere: Math.max(0, Number(all.n) - inScope.length),
  }
}

export type ChecklistKind = 'user' | 'accountManagerRequest'

/** Which checklist the activation pages show for this account. */
export function checklistKindOf (account: ManagedAccount): ChecklistKind {
  return holdsAccountManagerSite(account) ? 'accountManagerRequest' : 'user'
}

/** The email change awaiting its holder's confirmation, with who asked it. */
async function findPendingEmailChangeWarning (db: Db, accountId: string, now: number): Promise<ActivationWarning | undefined> {
  const row = await db.selectFrom('account_token')
    .leftJoin('account as requester', 'requester.id', 'account_token.requested_by')
    .select(['account_token.payload', 'requester.last_name', 'requester.first_name'])
    .where('account_token.account_id', '=', accountId).where('account_token.purpose', '=', 'emailChange')
    .where('account_token.used_at', 'is', null).where('account_token.expires_at', '>', now)
    .orderBy('account_token.created_at', 'desc').executeTakeFirst()
  if (!row?.payload) return undefined
  const requester = row.last_name === null ? '?' : `${row.last_name} ${row.first_name ?? ''}`.trim()
  return { kind: 'pendingEmailChange', email: row.payload, requester }
}

export async function findActivationWarnings (db: Db, manager: Manager, account: ManagedAccount, now: number): Promise<ActivationWarning[]> {
  const warnings: ActivationWarning[] = []
  const pendingEmailChange = await findPendingEmailChangeWarning(db, account.id, now)
  if (pendingEmailChange) warnings.push(pendingEmailChange)
  const domain = emailDomain(account.email)
  if (isPersonalEmailDomain(account.email)) warnings.push({ kind: 'personalEmail', domain })
  const expected = await findHospitalDomains(db, account.hospitalIds)
  if (!expected.some((d) => isDomainOf(domain, d))) warnings.push({ kind: 'foreignDomain', domain, expected })
  const duplicates = await findPossibleDuplicates(db, manager, account)
  if (duplicates.inScope.length > 0 || duplicates.elsewhere > 0) warnings.push({ kind: 'duplicate', ...duplicates })
  return warnings
}
