/**
 * A form posted after the session expired (user guide §3.4 « Session expirée »): what was typed
 * is kept for the login that follows, then shown again on the form's page with a message that
 * it is not saved yet. Kept server-side under a random cookie of the browser (stored as a
 * digest), never with its passwords or CSRF token, bounded in size, for rules.savedFormTtl, and
 * deleted once shown.
 */
import type { FlowContext } from '../../kernel/flow-context.ts'
import { digestToken, isWellFormedToken, issueToken } from '../../kernel/security/tokens.ts'

export type SavedFields = Record<string, string | string[]>

/** Fields never kept: the CSRF token, and anything that looks like a password or a code. */
const secretField = /^_csrf$|pass|mot.?de.?passe|mdp|code|jeton|token/i
const maximumFields = 60

/** What may be kept of a posted body, or undefined when nothing (or too much) is left. */
export function keepableFields (body: unknown, maximumLength: number): SavedFields | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const kept: SavedFields = {}
  for (const [name, value] of Object.entries(body)) {
    if (secretField.test(name)) continue
    if (typeof value === 'string') kept[name] = value
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) kept[name] = value as string[]
  }
  const count = Object.keys(kept).length
  if (count === 0 || count > maximumFields || JSON.stringify(kept).length > maximumLength) return undefined
  return kept
}

/** Keeps the form for this browser (replacing any form kept before); returns the cookie's token. */
export async function saveFormBeforeLogin (ctx: FlowContext, form: { accountId: string; returnTo: string; postedTo: string; fields: SavedFields }, previousToken?: string): Promise<string> {
  const now = ctx.clock.now()
  const { token, digest } = issueToken()
  await ctx.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('saved_form').where('created_at', '<=', now - ctx.rules.savedFormTtl).execute()
    if (isWellFormedToken(previousToken)) await tx.deleteFrom('saved_form').where('id_digest', '=', digestToken(previousToken)).execute()
    await tx.insertInto('saved_form').values({
      id_digest: digest, account_id: form.accountId, return_to: form.returnTo, posted_to: form.postedTo, fields: JSON.stringify(form.fields), created_at: now,
    }).execute()
  })
  return token
}

export interface SavedForm { postedTo: string; fields: SavedFields }

/**
 * The form this browser kept for this page and this account, taken (deleted) so it is shown
 * once; undefined when there is none, it is another page's or another person's, or too old.
 */
export async function takeSavedForm (ctx: FlowContext, token: unknown, target: { accountId: string; url: string }): Promise<SavedForm | undefined> {
  if (!isWellFormedToken(token)) return undefined
  const now = ctx.clock.now()
  const row = await ctx.db.deleteFrom('saved_form')
    .where('id_digest', '=', digestToken(token)).where('return_to', '=', target.url).where('account_id', '=', target.accountId)
    .returning(['posted_to', 'fields', 'created_at'])
    .executeTakeFirst()
  if (!row || Number(row.created_at) <= now - ctx.rules.savedFormTtl) return undefined
  try {
    return { postedTo: row.posted_to, fields: JSON.parse(row.fields) as SavedFields }
  } catch {
    return undefined
  }
}
