/**
 * oidc-provider's storage over our database (its « Adapter » interface), so that every instance
 * shares sessions, interactions, grants, codes and tokens, on SQLite and PostgreSQL alike.
 *
 * What a table dump gives: nothing usable. Rows are keyed by the SHA-256 of the artifact's id,
 * and the id is removed from the stored payload: an opaque token's id is the token itself (code,
 * access token, refresh token), a session's id is its cookie. `find(id)` digests the id it is
 * given and puts it back into the payload it returns. An interaction's payload names its session
 * cookie (`session.cookie`, which the library never reads back) and its own id in `returnTo`:
 * the first is dropped, the second replaced by a marker and restored on reading.
 *
 * Clients are not artifacts: `Client` reads the clients super-administrators registered
 * (`clients.ts`), never a disabled one.
 */
import { errors } from 'oidc-provider'
import type { Db } from '../../kernel/db/database.ts'
import { compiledOnce } from '../../kernel/db/compiled.ts'
import { digestToken } from '../../kernel/security/tokens.ts'
import { findClientMetadata } from './clients.ts'

type Payload = Record<string, unknown> & { jti?: string; grantId?: string; uid?: string; accountId?: string; clientId?: string; consumed?: number }

const idMarker = '{{id}}'

function storedForm (model: string, id: string, payload: Payload): Payload {
  const { jti: _jti, ...rest } = payload
  if (model !== 'Interaction') return rest
  const session = rest.session as Record<string, unknown> | undefined
  if (session) {
    const { cookie: _cookie, ...kept } = session
    rest.session = kept
  }
  if (typeof rest.returnTo === 'string') rest.returnTo = rest.returnTo.split(id).join(idMarker)
  return rest
}

function readForm (model: string, id: string | undefined, stored: Payload): Payload {
  const payload: Payload = id === undefined ? stored : { ...stored, jti: id }
  if (model === 'Interaction' && id !== undefined && typeof payload.returnTo === 'string') {
    payload.returnTo = payload.returnTo.split(idMarker).join(id)
  }
  return payload
}

// Every token request and every userinfo call reads and writes its artifacts here: compiled
// once (named prepared statements on PostgreSQL), as the login's queries.
const findPayload = compiledOnce((db: Db, model: string, digest: string) => db.selectFrom('oidc_payload')
  .select(['payload', 'consumed_at', 'expires_at'])
  .where('model', '=', model).where('id_digest', '=', digest))

const upsertPayload = compiledOnce((db: Db, model: string, digest: string, payload: string, grantId: string | null,
  uid: string | null, accountId: string | null, clientId: string | null, expiresAt: number | null) => db.insertInto('oidc_payload')
  .values({
    model, id_digest: digest, payload, grant_id: grantId, uid, account_id: accountId, client_id: clientId, expires_at: expiresAt, consumed_at: null,
  })
  .onConflict((oc) => oc.columns(['model', 'id_digest']).doUpdateSet({
    payload, grant_id: grantId, uid, account_id: accountId, client_id: clientId, expires_at: expiresAt,
  })))

const consumePayload = compiledOnce((db: Db, model: string, digest: string, at: number) => db.updateTable('oidc_payload')
  .set({ consumed_at: at })
  .where('model', '=', model).where('id_digest', '=', digest).where('consumed_at', 'is', null))

/** The Adapter class oidc-provider instantiates once per model name. */
export function databaseAdapter (db: Db) {
  return class DatabaseAdapter {
    constructor (readonly model: string) {}

    async upsert (id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const text = (value: unknown) => typeof value === 'string' ? value : null
      await upsertPayload(db, this.model, digestToken(id), JSON.stringify(storedForm(this.model, id, payload)),
        text(payload.grantId), this.model === 'Session' ? text(payload.uid) : null, text(payload.accountId), text(payload.clientId),
        // The library's own clock (real time): it checks `exp` against it.
        typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : null)
    }

    async find (id: string): Promise<Payload | undefined> {
      if (this.model === 'Client') return await findClientMetadata(db, id)
      const row = await findPayload.first(db, this.model, digestToken(id))
      if (!row || (row.expires_at !== null && Number(row.expires_at) <= Date.now())) return undefined
      const payload = readForm(this.model, id, JSON.parse(row.payload) as Payload)
      if (row.consumed_at !== null) payload.consumed = Math.floor(Number(row.consumed_at) / 1000)
      return payload
    }

    /** A session by its uid: read-only uses (the library compares its account and grants), so it needs no id. */
    async findByUid (uid: string): Promise<Payload | undefined> {
      const row = await db.selectFrom('oidc_payload').select(['payload', 'expires_at'])
        .where('model', '=', 'Session').where('uid', '=', uid)
        .executeTakeFirst()
      if (!row || (row.expires_at !== null && Number(row.expires_at) <= Date.now())) return undefined
      return readForm('Session', undefined, JSON.parse(row.payload) as Payload)
    }

    /** The device flow is not enabled: no user codes. */
    async findByUserCode (): Promise<undefined> {
      return undefined
    }

    /**
     * Marks a code or refresh token used, once: the library checks « not yet used » and then
     * consumes, so two parallel requests with the same token would both pass its check. The
     * second UPDATE finds the row used, and that request is treated as a replay: the grant's
     * tokens are revoked and it gets invalid_grant, as a later replay would.
     */
    async consume (id: string): Promise<void> {
      const digest = digestToken(id)
      const updated = await consumePayload(db, this.model, digest, Date.now())
      if (Number(updated.numAffectedRows) === 1) return
      const row = await db.selectFrom('oidc_payload').select('grant_id').where('model', '=', this.model).where('id_digest', '=', digest).executeTakeFirst()
      if (row?.grant_id) await revokeGrant(db, row.grant_id)
      throw new errors.InvalidGrant('already used')
    }

    async destroy (id: string): Promise<void> {
      await db.deleteFrom('oidc_payload')
        .where('model', '=', this.model).where('id_digest', '=', digestToken(id))
        .execute()
    }

    async revokeByGrantId (grantId: string): Promise<void> {
      await revokeGrant(db, grantId)
    }
  }
}

/**
 * Deletes a grant's tokens and the grant itself. Without the grant, a token written after this
 * (the winner of two parallel refreshes with one token, rotating while the loser revokes) is
 * refused at its first use: the library finds no grant for it.
 */
async function revokeGrant (db: Db, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_payload')
    .where((eb) => eb.or([eb('grant_id', '=', grantId), eb.and([eb('model', '=', 'Grant'), eb('id_digest', '=', digestToken(grantId))])]))
    .execute()
}
