/**
 * The OpenID Connect provider's storage (features/openid-provider): what oidc-provider keeps
 * (sessions, interactions, grants, codes, tokens) in one table shared by every instance, the
 * registered clients, and the provider's keys (signing keys and cookie keys).
 * Ids of stored artifacts are kept as SHA-256 digests: an opaque token's id is the token.
 */
import type { Kysely } from 'kysely'

export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('oidc_payload')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id_digest', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('account_id', 'text')
    .addColumn('client_id', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oidc_payload_pk', ['model', 'id_digest'])
    .execute()
  await db.schema.createIndex('oidc_payload_by_grant').on('oidc_payload').column('grant_id').execute()
  await db.schema.createIndex('oidc_payload_by_uid').on('oidc_payload').column('uid').execute()
  await db.schema.createIndex('oidc_payload_by_account').on('oidc_payload').columns(['account_id', 'model']).execute()
  await db.schema.createIndex('oidc_payload_by_expiry').on('oidc_payload').column('expires_at').execute()

  await db.schema.createTable('oidc_client')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_digest', 'text')
    .addColumn('auth_method', 'text', (c) => c.notNull())
    .addColumn('jwks', 'text')
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull())
    .addColumn('backchannel_logout_uri', 'text')
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('id_token_alg', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('secret_rotated_at', 'bigint')
    .addColumn('disabled_at', 'bigint')
    .execute()

  await db.schema.createTable('oidc_key')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('use', 'text', (c) => c.notNull())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_key').execute()
  await db.schema.dropTable('oidc_client').execute()
  await db.schema.dropTable('oidc_payload').execute()
}
