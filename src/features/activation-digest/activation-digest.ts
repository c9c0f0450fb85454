/**
 * Issue 4 « Notifications »: account managers get an email when users of their hospital have
 * confirmed their address and wait for activation, at most one digest per
 * `rules.activationDigestInterval` (a day). Run by cron through `npm run cli --
 * send-activation-digests`; safe to run from several instances at once.
 *
 * Per manager, one transaction: claim the `notification_digest` row (conditional on the value
 * read before, so a parallel run finds it moved and sends nothing), read the accounts confirmed
 * since the previous digest, queue the email and record the audit event. Nothing new: the
 * transaction is rolled back and the row keeps its previous value.
 */
import type { FlowContext } from '../../kernel/flow-context.ts'
import { enqueueMail } from '../../kernel/mail/outbox.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { claimDigest, findLastDigest, findPendingAccounts, listActiveAccountManagers, type DigestManager } from './activation-digest.queries.ts'
import { activationDigestEmail } from './emails/activation-digest-email.ts'

export type DigestOutcome =
  | { outcome: 'sent'; accountIds: string[] }
  | { outcome: 'tooSoon' }
  | { outcome: 'nothingNew' }
  | { outcome: 'sentElsewhere' }

export interface DigestReport { managers: number; sent: number; accounts: number }

class NothingToSend extends Error {}

export async function sendActivationDigestTo (ctx: FlowContext, manager: DigestManager): Promise<DigestOutcome> {
  const { db, rules } = ctx
  const now = ctx.clock.now()
  const previous = await findLastDigest(db, manager.id, 'activationPending')
  if (previous !== undefined && now - previous < rules.activationDigestInterval) return { outcome: 'tooSoon' }
  // Cheap check first: most runs find nothing new and never take a write lock.
  if ((await findPendingAccounts(db, manager.hospitalIds, previous, now)).length === 0) return { outcome: 'nothingNew' }
  try {
    return await db.transaction().execute(async (tx) => {
      // The claim is the transaction's first statement: it waits for a parallel claim to finish.
      if (!await claimDigest(tx, manager.id, 'activationPending', previous, now)) return { outcome: 'sentElsewhere' } as const
      const accounts = await findPendingAccounts(tx, manager.hospitalIds, previous, now)
      if (accounts.length === 0) throw new NothingToSend()
      await enqueueMail(tx, activationDigestEmail(ctx.mail, manager, accounts), now)
      await recordEvent(tx, {
        type: 'notification.activationDigestSent',
        actorId: null,
        actorRole: null,
        targetId: manager.id,
        hospitalId: manager.hospitalIds.length === 1 ? manager.hospitalIds[0] : null,
        details: { accounts: accounts.length, hospitals: manager.hospitalIds.length },
      }, now)
      return { outcome: 'sent', accountIds: accounts.map((a) => a.id) } as const
    })
  } catch (error) {
    if (error instanceof NothingToSend) return { outcome: 'nothingNew' }
    throw error
  }
}

/** Sends every due digest; returns what was done (the CLI prints it). */
export async function sendActivationDigests (ctx: FlowContext): Promise<DigestReport> {
  const managers = await listActiveAccountManagers(ctx.db)
  const report: DigestReport = { managers: managers.length, sent: 0, accounts: 0 }
  for (const manager of managers) {
    const result = await sendActivationDigestTo(ctx, manager)
    if (result.outcome === 'sent') {
      report.sent++
      report.accounts += result.accountIds.length
    }
  }
  return report
}
