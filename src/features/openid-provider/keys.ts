/**
 * The provider's private keys, kept in the database so that every instance signs with the same
 * keys and verifies the same cookies: an ES256 and an RS256 signing key (RS256 for older
 * clients), and a cookie-signing key. Created at the first start; never logged.
 *
 * Rotation (`npm run cli -- rotate-keys`): new keys are inserted and the previous ones marked
 * retired. A retired signing key stays in the published JWKS for rules.oidcRetiredKeyPublication
 * (longer than any token it signed lives: ID tokens, logout tokens), so relying parties can still
 * verify what it signed; a retired cookie key still verifies cookies for as long. Instances pick
 * the change up within rules.oidcKeyReloadInterval (provider.ts reloads its configuration).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import type { Db } from '../../kernel/db/database.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'

export const signingAlgorithms = ['ES256', 'RS256'] as const

async function newSigningKey (alg: typeof signingAlgorithms[number], kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) })
  return { ...await exportJWK(privateKey), kid, alg, use: 'sig' }
}

/**
 * At start: the first keys, unless they exist. Fixed ids for the first ones, so instances
 * starting together insert one set (the others' inserts do nothing).
 */
export async function ensureProviderKeys (db: Db, now: number): Promise<void> {
  const existing = await db.selectFrom('oidc_key').select('id').limit(1).executeTakeFirst()
  if (existing) return
  const rows = [
    ...await Promise.all(signingAlgorithms.map(async (alg) => ({ id: `initial-${alg}`, use: 'sig' as const, alg, private_jwk: JSON.stringify(await newSigningKey(alg, `initial-${alg}`)) }))),
    { id: 'initial-cookie', use: 'cookie' as const, alg: 'HS256', private_jwk: randomBytes(32).toString('base64url') },
  ]
  for (const row of rows) {
    await db.insertInto('oidc_key').values({ ...row, created_at: now, retired_at: null })
      .onConflict((oc) => oc.column('id').doNothing()).execute()
  }
}

export interface ProviderKeys {
  /** Private JWKs, the current key of each algorithm first (the library signs with the first match). */
  signingKeys: JWK[]
  /** Cookie keys, the current one first (it signs; every one verifies). */
  cookieKeys: string[]
  /** Changes when a rotation happened (instances compare it to reload). */
  version: string
}

export async function loadProviderKeys (db: Db, now: number, retiredKeyPublication: number): Promise<ProviderKeys> {
  const rows = await db.selectFrom('oidc_key').select(['id', 'use', 'private_jwk', 'created_at', 'retired_at'])
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', now - retiredKeyPublication)]))
    .orderBy('retired_at', 'desc').orderBy('created_at', 'desc').orderBy('id')
    .execute()
  // Current keys (not retired) first; SQL's ordering of nulls differs between engines.
  const ordered = [...rows.filter((r) => r.retired_at === null), ...rows.filter((r) => r.retired_at !== null)]
  return {
    signingKeys: ordered.filter((r) => r.use === 'sig').map((r) => JSON.parse(r.private_jwk) as JWK),
    cookieKeys: ordered.filter((r) => r.use === 'cookie').map((r) => r.private_jwk),
    version: ordered.map((r) => `${r.id}:${r.retired_at ?? ''}`).join(','),
  }
}

/** `rotate-keys`: new signing and cookie keys; the current ones retired (still published a while). Returns the new kids. */
export async function rotateProviderKeys (ctx: FlowContext, actor: { accountId: string | null } = { accountId: null }): Promise<string[]> {
  const fresh = await Promise.all(signingAlgorithms.map(async (alg) => {
    const kid = randomUUID()
    return { id: kid, use: 'sig' as const, alg, private_jwk: JSON.stringify(await newSigningKey(alg, kid)) }
  }))
  const cookie = { id: randomUUID(), use: 'cookie' as const, alg: 'HS256', private_jwk: randomBytes(32).toString('base64url') }
  const now = ctx.clock.now()
  await ctx.db.transaction().execute(async (tx) => {
    await tx.updateTable('oidc_key').set({ retired_at: now }).where('retired_at', 'is', null).execute()
    for (const row of [...fresh, cookie]) await tx.insertInto('oidc_key').values({ ...row, created_at: now, retired_at: null }).execute()
    await recordEvent(tx, { type: 'oidcKeys.rotated', actorId: actor.accountId, hospitalId: null, details: { kids: fresh.map((k) => k.id) } }, now)
  })
  return fresh.map((k) => k.id)
}
