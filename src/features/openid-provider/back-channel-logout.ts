/**
 * Delivers the back-channel logouts queued by endAccessAtClients (kernel/accounts/client-access.ts)
 * — OpenID Connect Back-Channel Logout 1.0: a logout token (a JWT signed with the provider's key,
 * `events` naming the back-channel logout, the account's `sub` and the session's `sid`) POSTed to
 * the client's backchannel_logout_uri. As the mail dispatcher: each instance claims one row at a
 * time with one conditional UPDATE, so two instances never send the same logout; a failure is
 * retried with back-off; after rules.oidcLogoutMaximumAttempts the row is marked failed. The
 * token's `jti` is the row's id: a client that got a retry of a logout it processed can tell.
 * Nothing usable is stored (the token is signed at delivery) and the token is never logged.
 */
import { SignJWT, importJWK, type JWK } from 'jose'
import type { ExpressionBuilder } from 'kysely'
import type { Db } from '../../kernel/db/database.ts'
import type { Database } from '../../kernel/db/schema.ts'
import { recordEvent } from '../../kernel/audit/audit-trail.ts'
import { minutes, seconds, hours } from '../../config.ts'
import { loadProviderKeys } from './keys.ts'

export interface LogoutDispatcherOptions {
  db: Db
  issuer: string
  now: () => number
  maximumAttempts: number
  retiredKeyPublication: number
  pollInterval?: number
  /** Time allowed to a client to answer (the spec's receivers answer at once). */
  timeout?: number
  log: { warn: (o: object, msg: string) => void; error: (o: object, msg: string) => void }
}

const claimDuration = minutes(2)
const logoutEvent = 'http://schemas.openid.net/event/backchannel-logout'

function isDue (at: number) {
  return (eb: ExpressionBuilder<Database, 'oidc_logout_outbox'>) => eb.and([
    eb('status', '=', 'pending'),
    eb('next_attempt_at', '<=', at),
    eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]),
  ])
}

const retryDelay = (attempts: number) => Math.min(seconds(5) * 2 ** Math.max(0, attempts - 1), hours(1))

export class BackChannelLogoutDispatcher {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private stopped = false

  constructor (private readonly options: LogoutDispatcherOptions) {}

  start () {
    this.stopped = false
    const loop = () => {
      void this.kick()
      this.timer = setTimeout(loop, this.options.pollInterval ?? seconds(2))
      this.timer.unref()
    }
    loop()
  }

  async stop () {
    this.stopped = true
    clearTimeout(this.timer)
    await this.running
  }

  kick (): Promise<void> {
    if (this.stopped) return Promise.resolve()
    this.running ??= this.deliverDue()
      .catch((error: unknown) => this.options.log.error({ err: { message: (error as Error).message } }, 'back-channel logout delivery failed'))
      .finally(() => { this.running = undefined })
    return this.running
  }

  /** Delivers every due logout, one claim at a time; returns when none is left. */
  async deliverDue (): Promise<void> {
    for (;;) {
      const at = this.options.now()
      const row = await this.options.db.updateTable('oidc_logout_outbox')
        .set((eb) => ({ claimed_until: at + claimDuration, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', (eb) => eb.selectFrom('oidc_logout_outbox').select('id').where(isDue(at)).orderBy('next_attempt_at').limit(1))
        .where(isDue(at))
        .returningAll()
        .executeTakeFirst()
      if (row) await this.deliver(row)
      else if (!await this.options.db.selectFrom('oidc_logout_outbox').select('id').where(isDue(this.options.now())).limit(1).executeTakeFirst()) return
    }
  }

  private async deliver (row: { id: string; client_id: string; account_id: string; sid: string | null; reason: string; attempts: number }) {
    const { db, now } = this.options
    const client = await db.selectFrom('oidc_client').select(['backchannel_logout_uri', 'id_token_alg'])
      .where('id', '=', row.client_id).where('disabled_at', 'is', null).executeTakeFirst()
    try {
      if (!client?.backchannel_logout_uri) throw new Error('client disabled or without back-channel logout URI')
      const response = await fetch(client.backchannel_logout_uri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: await this.logoutToken(row, client.id_token_alg) }),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeout ?? seconds(10)),
      })
      await response.arrayBuffer().catch(() => undefined)
      if (response.status !== 200 && response.status !== 204) throw new Error(`the client answered ${response.status}`)
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('oidc_logout_outbox').set({ status: 'sent', sent_at: now(), claimed_until: null, last_error: null }).where('id', '=', row.id).execute()
        await recordEvent(tx, { type: 'oidc.backChannelLogoutSent', targetId: row.account_id, details: { clientId: row.client_id, reason: row.reason, attempts: row.attempts } }, now())
      })
    } catch (error) {
      const failedForGood = row.attempts >= this.options.maximumAttempts
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 300)
      this.options.log.warn({ logoutId: row.id, clientId: row.client_id, attempts: row.attempts, failedForGood }, 'back-channel logout not delivered yet')
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('oidc_logout_outbox').set({
          status: failedForGood ? 'failed' : 'pending', next_attempt_at: now() + retryDelay(row.attempts), claimed_until: null, last_error: message,
        }).where('id', '=', row.id).execute()
        if (failedForGood) {
          await recordEvent(tx, { type: 'oidc.backChannelLogoutFailed', outcome: 'failure', targetId: row.account_id, details: { clientId: row.client_id, reason: row.reason, error: message } }, now())
        }
      })
    }
  }

  private async logoutToken (row: { id: string; client_id: string; account_id: string; sid: string | null }, alg: string): Promise<string> {
    const keys = await loadProviderKeys(this.options.db, this.options.now(), this.options.retiredKeyPublication)
    const jwk = keys.signingKeys.find((k) => k.alg === alg) as JWK
    return await new SignJWT({ events: { [logoutEvent]: {} }, ...(row.sid ? { sid: row.sid } : {}) })
      .setProtectedHeader({ alg, kid: jwk.kid as string, typ: 'logout+jwt' })
      .setIssuer(this.options.issuer)
      .setAudience(row.client_id)
      .setSubject(row.account_id)
      .setIssuedAt()
      .setExpirationTime('2m')
      .setJti(row.id)
      .sign(await importJWK(jwk, alg))
  }
}
