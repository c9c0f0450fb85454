/**
 * Rate limits kept in the database (fixed windows, one row per key), so every instance behind
 * the load balancer counts the same hits. Counting is one atomic upsert: parallel requests are
 * all counted. Past the limit the flow throws RateLimited (a 429 with Retry-After).
 */
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { RateLimited } from '../web/errors.ts'

export interface RateLimit { limit: number; window: number }

/** Counts one hit on `key`; throws RateLimited when the window's limit is exceeded. */
export async function enforceRateLimit (db: Db, key: string, rule: RateLimit, now: number): Promise<void> {
  const expired = now - rule.window
  const row = await db.insertInto('rate_limit')
    .values({ key, window_start: now, hits: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet({
      hits: sql<number>`case when rate_limit.window_start <= ${expired} then 1 else rate_limit.hits + 1 end`,
      window_start: sql<number>`case when rate_limit.window_start <= ${expired} then ${now} else rate_limit.window_start end`,
    }))
    .returning(['hits', 'window_start'])
    .executeTakeFirstOrThrow()
  if (row.hits > rule.limit) {
    throw new RateLimited(Math.max(1, Math.ceil((Number(row.window_start) + rule.window - now) / 1000)))
  }
}

/** Forgets a key's hits (e.g. the per-account login counter after a successful login). */
export async function clearRateLimit (db: Db, key: string): Promise<void> {
  await db.deleteFrom('rate_limit').where('key', '=', key).execute()
}
