/**
 * Super-administrators: created by `npm run cli -- create-superadmin` or, at start, from
 * BOOTSTRAP_SUPERADMIN_EMAIL/_PASSWORD — unless an account with that email already exists
 * (whatever the demo data holds), so a deployment can always log in with them.
 */
import type { FlowContext } from '../../kernel/flow-context.ts'
import { findAccountIdByEmail, insertAccount } from '../../kernel/accounts/accounts.ts'
import { hashPassword } from '../../kernel/security/passwords.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'

export interface SuperadminFields { email: string; password: string; lastName?: string; firstName?: string }

/** Returns false (and changes nothing) when an account with this email exists. */
export async function createSuperadmin (ctx: FlowContext, fields: SuperadminFields): Promise<boolean> {
  const now = ctx.clock.now()
  if (await findAccountIdByEmail(ctx.db, fields.email)) return false
  const passwordHash = await hashPassword(fields.password)
  await ctx.db.transaction().execute(async (tx) => {
    const id = await insertAccount(tx, {
      email: fields.email,
      civility: 'm',
      lastName: fields.lastName ?? 'Administrateur',
      firstName: fields.firstName ?? 'Super',
      professionCode: 'autre',
      passwordHash,
      siteIds: [],
      confirmedAt: now,
      activatedAt: now,
      isSuperadmin: true,
    }, now)
    await recordEvent(tx, { type: 'account.superadminCreated', outcome: 'success', actorRole: 'system', targetId: id }, now)
  })
  return true
}
