/**
 * Rate limits kept in the database (fixed windows, one row per key), so every instance behind
 * the load balancer counts the same hits. Counting is one atomic upsert: parallel requests are
 * all counted. Past the limit the flow throws RateLimited (a 429 with Retry-After).
 */
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { compiledOnce } from '../db/compiled.ts'
import { RateLimited } from '../web/errors.ts'

export interface RateLimit { limit: number; window: number }

/** Counts one hit on `key`; throws RateLimited when the window's limit is exceeded. */
export async function enforceRateLimit (db: Db, key: string, rule: RateLimit, now: number): Promise<void> {
  const [hits] = await countRateLimitHits(db, [key], rule.window, now)
  throwIfOverLimit(hits as RateLimitHits, rule, now)
}

export interface RateLimitHits { key: string; hits: number; window_start: number }

/**
 * Counts one hit on each of `keys` (distinct, all with the same window) in one atomic upsert;
 * the caller decides with `isOverLimit`/`throwIfOverLimit`. Returns one row per key, in order.
 */
export async function countRateLimitHits (db: Db, keys: string[], window: number, now: number): Promise<RateLimitHits[]> {
  const { rows } = await upsertHits(db, now - window, now, ...keys)
  return keys.map((key) => {
    const row = rows.find((r) => r.key === key)
    if (!row) throw new Error(`rate limit not counted: ${key}`)
    return { key, hits: Number(row.hits), window_start: Number(row.window_start) }
  })
}

/** The counting upsert (compiled once for each number of keys: login counts two, most flows one). */
const upsertHits = compiledOnce((db: Db, expired: number, now: number, ...keys: string[]) => db.insertInto('rate_limit')
  .values(keys.map((key) => ({ key, window_start: now, hits: 1 })))
  .onConflict((oc) => oc.column('key').doUpdateSet({
    hits: sql<number>`case when rate_limit.window_start <= ${expired} then 1 else rate_limit.hits + 1 end`,
    window_start: sql<number>`case when rate_limit.window_start <= ${expired} then ${now} else rate_limit.window_start end`,
  }))
  .returning(['key', 'hits', 'window_start']))

const selectHits = compiledOnce((db: Db, key: string, expired: number) => db.selectFrom('rate_limit').select(['hits', 'window_start'])
  .where('key', '=', key).where('window_start', '>', expired))

export function isOverLimit (counted: RateLimitHits, rule: RateLimit): boolean {
  return counted.hits > rule.limit
}

/** Throws RateLimited (Retry-After: the rest of the window) when `counted` is past the limit. */
export function throwIfOverLimit (counted: RateLimitHits, rule: RateLimit, now: number): void {
  if (isOverLimit(counted, rule)) {
    throw new RateLimited(Math.max(1, Math.ceil((counted.window_start + rule.window - now) / 1000)))
  }
}

/**
 * Refuses (RateLimited) when `key` already holds `rule.limit` hits in its current window, without
 * counting one: for limits on what a request may cause (e.g. locks) rather than on requests.
 */
export async function throwIfLimitReached (db: Db, key: string, rule: RateLimit, now: number): Promise<void> {
  const row = await selectHits.first(db, key, now - rule.window)
  if (row) throwIfOverLimit({ key, hits: Number(row.hits) + 1, window_start: Number(row.window_start) }, rule, now)
}

/** Forgets a key's hits (e.g. the per-account login counter after a successful login). */
export async function clearRateLimit (db: Db, key: string): Promise<void> {
  await db.deleteFrom('rate_limit').where('key', '=', key).execute()
}
