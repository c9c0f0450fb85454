/**
 * Relying parties (« clients ») registered by super-administrators, in the console or with
 * `npm run cli -- oidc-client …`. Every one is first-party (no consent screen), confidential
 * (`client_secret_basic` or `private_key_jwt`), uses the code flow with PKCE, and may only be
 * sent back to the exact URIs registered (https only in production).
 *
 * The secret: 256 random bits, shown once, stored as its SHA-256 (as session ids are). The
 * library compares the secret it receives with `client_secret` in constant time; we hand it the
 * digest as `client_secret` and make the comparison digest the received secret first
 * (`compareClientSecret` in provider.ts). The digest is never used as a key: the HS* algorithms
 * (which would take the secret as an HMAC key) are not enabled.
 */
import { randomUUID } from 'node:crypto'
import type { Db } from '../../kernel/db/database.ts'
import { compiledOnce } from '../../kernel/db/compiled.ts'
import type { OidcClientTable } from '../../kernel/db/schema.ts'
import { issueToken } from '../../kernel/security/tokens.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'

/** Scopes a client may be given: `bamara` adds the role, hospitals and sites. */
export const supportedScopes = ['openid', 'email', 'profile', 'bamara'] as const

export interface ClientRegistration {
  name: string
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  backchannelLogoutUri?: string | null
  scopes: string[]
  authMethod?: OidcClientTable['auth_method']
  /** Public keys for private_key_jwt (a JWKS). */
  jwks?: { keys: unknown[] } | null
  idTokenAlg?: OidcClientTable['id_token_alg']
}

export type ClientProblem =
  | 'nameMissing' | 'redirectUriMissing' | 'uriInvalid' | 'httpsRequired' | 'scopeUnknown' | 'jwksMissing'

/** What is wrong with a registration, the first problem found, or undefined. */
export function findRegistrationProblem (registration: ClientRegistration, production: boolean): ClientProblem | undefined {
  if (registration.name.trim() === '' || registration.name.length > 100) return 'nameMissing'
  if (registration.redirectUris.length === 0) return 'redirectUriMissing'
  const uris = [...registration.redirectUris, ...registration.postLogoutRedirectUris,
    ...(registration.backchannelLogoutUri ? [registration.backchannelLogoutUri] : [])]
  for (const uri of uris) {
    let parsed: URL
    try { parsed = new URL(uri) } catch { return 'uriInvalid' }
    if (parsed.hash !== '' || uri.length > 500 || !['https:', 'http:'].includes(parsed.protocol)) return 'uriInvalid'
    if (production && parsed.protocol !== 'https:') return 'httpsRequired'
  }
  if (!registration.scopes.includes('openid') || registration.scopes.some((s) => !(supportedScopes as readonly string[]).includes(s))) return 'scopeUnknown'
  if (registration.authMethod === 'private_key_jwt' && !registration.jwks?.keys?.length) return 'jwksMissing'
  return undefined
}

export interface RegisteredClient { clientId: string; clientSecret: string | undefined }

/** Registers a client (the caller has checked it with findRegistrationProblem); returns the secret, shown once. */
export async function registerClient (db: Db, registration: ClientRegistration, actor: { accountId: string | null; ip?: string }, now: number): Promise<RegisteredClient> {
  const clientId = randomUUID()
  const authMethod = registration.authMethod ?? 'client_secret_basic'
  const secret = authMethod === 'client_secret_basic' ? issueToken() : undefined
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('oidc_client').values({
      id: clientId,
      name: registration.name.trim(),
      secret_digest: secret?.digest ?? null,
      auth_method: authMethod,
      jwks: registration.jwks ? JSON.stringify(registration.jwks) : null,
      redirect_uris: JSON.stringify(registration.redirectUris),
      post_logout_redirect_uris: JSON.stringify(registration.postLogoutRedirectUris),
      backchannel_logout_uri: registration.backchannelLogoutUri ?? null,
      scopes: registration.scopes.join(' '),
      id_token_alg: registration.idTokenAlg ?? 'ES256',
      created_at: now,
      created_by: actor.accountId,
      secret_rotated_at: null,
      disabled_at: null,
    }).execute()
    await recordEvent(tx, {
      type: 'oidcClient.registered', actorId: actor.accountId, targetId: null, hospitalId: null, ip: actor.ip,
      details: { clientId, name: registration.name.trim(), redirectUris: registration.redirectUris, scopes: registration.scopes },
    }, now)
  })
  return { clientId, clientSecret: secret?.token }
}

/** A new secret for a client_secret_basic client: the old one stops working at once. Undefined: no such client. */
export async function rotateClientSecret (db: Db, clientId: string, actor: { accountId: string | null; ip?: string }, now: number): Promise<string | undefined> {
  const secret = issueToken()
  return await db.transaction().execute(async (tx) => {
    const updated = await tx.updateTable('oidc_client').set({ secret_digest: secret.digest, secret_rotated_at: now })
      .where('id', '=', clientId).where('auth_method', '=', 'client_secret_basic')
      .executeTakeFirst()
    if (Number(updated.numUpdatedRows) === 0) return undefined
    await recordEvent(tx, { type: 'oidcClient.secretRotated', actorId: actor.accountId, hospitalId: null, ip: actor.ip, details: { clientId } }, now)
    return secret.token
  })
}

/**
 * Disables a client: it gets no new token, and its refresh tokens and grants are deleted (its
 * access tokens too: they are opaque, checked against the table). Returns false when unknown or already disabled.
 */
export async function disableClient (db: Db, clientId: string, actor: { accountId: string | null; ip?: string }, now: number): Promise<boolean> {
  return await db.transaction().execute(async (tx) => {
    const updated = await tx.updateTable('oidc_client').set({ disabled_at: now })
      .where('id', '=', clientId).where('disabled_at', 'is', null)
      .executeTakeFirst()
    if (Number(updated.numUpdatedRows) === 0) return false
    await tx.deleteFrom('oidc_payload')
      .where('model', 'in', ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'Grant'])
      .where('client_id', '=', clientId)
      .execute()
    await recordEvent(tx, { type: 'oidcClient.disabled', actorId: actor.accountId, hospitalId: null, ip: actor.ip, details: { clientId } }, now)
    return true
  })
}

export interface ClientSummary {
  id: string
  name: string
  authMethod: string
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  backchannelLogoutUri: string | null
  scopes: string[]
  createdAt: number
  secretRotatedAt: number | null
  disabledAt: number | null
}

export async function listClients (db: Db): Promise<ClientSummary[]> {
  const rows = await db.selectFrom('oidc_client')
    .select(['id', 'name', 'auth_method', 'redirect_uris', 'post_logout_redirect_uris', 'backchannel_logout_uri', 'scopes', 'created_at', 'secret_rotated_at', 'disabled_at'])
    .orderBy('created_at').orderBy('id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    authMethod: r.auth_method,
    redirectUris: JSON.parse(r.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(r.post_logout_redirect_uris) as string[],
    backchannelLogoutUri: r.backchannel_logout_uri,
    scopes: r.scopes.split(' '),
    createdAt: Number(r.created_at),
    secretRotatedAt: r.secret_rotated_at === null ? null : Number(r.secret_rotated_at),
    disabledAt: r.disabled_at === null ? null : Number(r.disabled_at),
  }))
}

// Read at every token request (compiled once, as the adapter's queries).
const clientMetadata = compiledOnce((db: Db, clientId: string) => db.selectFrom('oidc_client')
  .select(['id', 'name', 'secret_digest', 'auth_method', 'jwks', 'redirect_uris', 'post_logout_redirect_uris', 'backchannel_logout_uri', 'scopes', 'id_token_alg'])
  .where('id', '=', clientId).where('disabled_at', 'is', null))

/** The client's metadata as oidc-provider reads it; undefined when unknown or disabled. */
export async function findClientMetadata (db: Db, clientId: string): Promise<Record<string, unknown> | undefined> {
  const row = await clientMetadata.first(db, clientId)
  if (!row) return undefined
  return {
    client_id: row.id,
    client_name: row.name,
    ...(row.secret_digest ? { client_secret: row.secret_digest } : {}),
    token_endpoint_auth_method: row.auth_method,
    ...(row.jwks ? { jwks: JSON.parse(row.jwks) as unknown } : {}),
    redirect_uris: JSON.parse(row.redirect_uris) as string[],
    post_logout_redirect_uris: JSON.parse(row.post_logout_redirect_uris) as string[],
    ...(row.backchannel_logout_uri ? { backchannel_logout_uri: row.backchannel_logout_uri, backchannel_logout_session_required: true } : {}),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: row.scopes,
    id_token_signed_response_alg: row.id_token_alg,
  }
}
