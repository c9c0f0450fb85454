/**
 * Retention of the rows that anonymous traffic and past logins leave behind (ASVS 14.2: keep
 * personal data no longer than needed): expired sessions (they hold an IP address and a browser
 * description), used or expired link tokens, abandoned login attempts and finished rate-limit
 * windows, forms kept across an expired session, and what the OpenID Connect provider
 * stored (expired tokens and sessions, retired keys, delivered back-channel logouts). `daily-tasks` runs `purgeExpiredRows`. Each kind of row has its own function below,
 * added to `purges`; every one deletes in batches of rules.purgeBatchSize rows per statement
 * (portable: `delete … where key in (select key … limit n)`), until a batch comes back short, so
 * no statement holds a long lock on a busy table.
 * A row is deleted only rules.expiredRowRetention after nothing can use it any more (a rate-limit
 * row, rules.rateLimitRetention after its window started), so no rule reading it sees a difference.
 */
import type { Rules } from '../../config.ts'
import type { Db } from './database.ts'

type Purge = (db: Db, rules: Rules, now: number) => Promise<number>

/** Runs `deleteBatch` until it deletes fewer rows than a full batch; returns the rows deleted. */
async function deleteInBatches (batchSize: number, deleteBatch: () => Promise<{ numDeletedRows: bigint }>): Promise<number> {
  let total = 0
  for (;;) {
    const deleted = Number((await deleteBatch()).numDeletedRows)
    total += deleted
    if (deleted < batchSize) return total
  }
}

/**
 * Sessions past the idle timeout or the absolute lifetime (user guide §3.4). Kept a day longer,
 * so a browser left open overnight is still told « Session expirée » and sent back to its page.
 */
export const purgeExpiredSessions: Purge = (db, rules, now) => {
  const lastSeenBefore = now - rules.sessionIdleTimeout - rules.expiredRowRetention
  const createdBefore = now - rules.sessionAbsoluteTimeout - rules.expiredRowRetention
  return deleteInBatches(rules.purgeBatchSize, () => db.deleteFrom('session')
    .where('id_digest', 'in', db.selectFrom('session').select('id_digest')
      .where((eb) => eb.or([eb('last_seen_at', '<', lastSeenBefore), eb('created_at', '<', createdBefore)]))
      .limit(rules.purgeBatchSize))
    .executeTakeFirst())
}

/**
 * Confirmation, unlock, reset and email-change tokens once used (or voided by a newer one) or
 * expired: every reader looks for an unused, unexpired token, and a dead one gets the same
 * « lien invalide » page as an unknown one, so deleting it changes no answer.
 */
export const purgeDeadAccountTokens: Purge = (db, rules, now) => {
  const before = now - rules.expiredRowRetention
  return deleteInBatches(rules.purgeBatchSize, () => db.deleteFrom('account_token')
    .where('digest', 'in', db.selectFrom('account_token').select('digest')
      .where((eb) => eb.or([eb('used_at', '<', before), eb('expires_at', '<', before)]))
      .limit(rules.purgeBatchSize))
    .executeTakeFirst())
}

/** Login attempts (password given, code pending) older than rules.loginChallengeTtl: never usable again. */
export const purgeAbandonedLoginChallenges: Purge = (db, rules, now) => {
  const createdBefore = now - rules.loginChallengeTtl - rules.expiredRowRetention
  return deleteInBatches(rules.purgeBatchSize, () => db.deleteFrom('login_challenge')
    .where('id_digest', 'in', db.selectFrom('login_challenge').select('id_digest')
      .where('created_at', '<', createdBefore)
      .limit(rules.purgeBatchSize))
    .executeTakeFirst())
}

/**
 * Rate-limit counters whose window is over. A row does not say its window, so the cut-off is
 * rules.rateLimitRetention, longer than every window: the next hit on a deleted key starts a new
 * window at 1, exactly as it would on the expired row.
 */
export const purgeFinishedRateLimits: Purge = (db, rules, now) => {
  const startedBefore = now - rules.rateLimitRetention
  return deleteInBatches(rules.purgeBatchSize, () => db.deleteFrom('rate_limit')
    .where('key', 'in', db.selectFrom('rate_limit').select('key')
      .where('window_start', '<', startedBefore)
      .limit(rules.purgeBatchSize))
    .executeTakeFirst())
}

/**
 * Forms posted after a session expired (user guide §3.4), past rules.savedFormTtl: nobody can get
 * them back any more, and they hold what was typed (names, addresses), so no extra day is kept.
 */
export const purgeExpiredSavedForms: Purge = (db, rules, now) => {
  const createdBefore = now - rules.savedFormTtl
  return deleteInBatches(rules.purgeBatchSize, () => db.deleteFrom('saved_form')
    .where('id_digest', 'in', db.selectFrom('saved_form').select('id_digest')
      .where('created_at', '<', createdBefore)
      .limit(rules.purgeBatchSize))
    .executeTakeFirst())
}

/**
 * What the OpenID Connect provider stored (features/openid-provider/adapter.ts) once expired:
 * sessions, interactions, grants, codes and tokens. The library never reads an expired one (the
 * adapter answers « not found »), so deleting it changes no answer.
 */
export const purgeExpiredOidcPayloads: Purge = (db, rules, now) => {
  const expiredBefore = now - rules.expiredRowRetention
  // The key is (model, id_digest): a batch is read, then deleted model by model.
  return deleteInBatches(rules.purgeBatchSize, async () => {
    const batch = await db.selectFrom('oidc_payload').select(['model', 'id_digest'])
      .where('expires_at', '<', expiredBefore).limit(rules.purgeBatchSize).execute()
    for (const model of new Set(batch.map((r) => r.model))) {
      const digests = batch.filter((r) => r.model === model).map((r) => r.id_digest)
      await db.deleteFrom('oidc_payload').where('model', '=', model).where('id_digest', 'in', digests).execute()
    }
    return { numDeletedRows: BigInt(batch.length) }
  })
}

/** The provider's retired keys once no longer published (rules.oidcRetiredKeyPublication): private keys kept no longer than needed. */
export const purgeRetiredOidcKeys: Purge = async (db, rules, now) => {
  const result = await db.deleteFrom('oidc_key').where('retired_at', '<', now - rules.oidcRetiredKeyPublication).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Back-channel logouts delivered (or given up) more than a retention ago: their audit events stay. */
export const purgeFinishedOidcLogouts: Purge = (db, rules, now) => {
  const before = now - rules.expiredRowRetention
  return deleteInBatches(rules.purgeBatchSize, () => db.deleteFrom('oidc_logout_outbox')
    .where('id', 'in', db.selectFrom('oidc_logout_outbox').select('id')
      .where('status', '!=', 'pending').where('created_at', '<', before)
      .limit(rules.purgeBatchSize))
    .executeTakeFirst())
}

/** Every purge, by the kind of row it deletes (add new kinds here). */
export const purges = {
  sessions: purgeExpiredSessions,
  accountTokens: purgeDeadAccountTokens,
  loginChallenges: purgeAbandonedLoginChallenges,
  rateLimits: purgeFinishedRateLimits,
  savedForms: purgeExpiredSavedForms,
  oidcPayloads: purgeExpiredOidcPayloads,
  oidcKeys: purgeRetiredOidcKeys,
  oidcLogouts: purgeFinishedOidcLogouts,
} satisfies Record<string, Purge>

export type PurgeReport = Record<keyof typeof purges, number>

/** Runs every purge, one after the other (each statement on its own: no long transaction). */
export async function purgeExpiredRows (db: Db, rules: Rules, now: number): Promise<PurgeReport> {
  const report = {} as PurgeReport
  for (const [kind, purge] of Object.entries(purges) as Array<[keyof typeof purges, Purge]>) {
    report[kind] = await purge(db, rules, now)
  }
  return report
}
