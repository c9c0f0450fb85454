/**
 * The provider inside the Fastify app. oidc-provider is a Koa application: its routes (/oidc/…
 * and the discovery at /.well-known/openid-configuration) are handed the raw request and
 * response in an onRequest hook, before Fastify parses a body or checks a CSRF token (the
 * library reads its own bodies and protects its own forms). The provider sees APP_BASE_URL as
 * the request's origin, whatever the Host header says (as every emailed link does), and the
 * client address Fastify computed under TRUST_PROXY.
 *
 * The provider (oidc-provider, Koa and their dependencies: about a third of the process's start-up
 * and memory, docs/performance.md) and its keys are loaded by the first request that needs them,
 * not at start: instances that serve only the portal never pay for it.
 *
 * The interaction page is ours: GET /oidc/interaction/:uid sends someone not logged in to the
 * portal's login (password + emailed code, every rule of features/login), which brings them back
 * here (`retour`, a local path kept server-side in the pending login); someone logged in to the
 * portal finishes at once (single sign-on). The portal session only exists for an active account.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { InteractionDetails } from 'oidc-provider'
import { Type } from '@sinclair/typebox'
import { RequestRefused } from '../../kernel/web/errors.ts'
import { destroySession } from '../sessions/index.ts'
import { recordEvent, requestMeta } from '../../kernel/audit/audit-trail.ts'
import { typed } from '../../kernel/web/routes.ts'
import { interactionPath, oidcPrefix } from './paths.ts'
import { ensureProviderKeys, loadProviderKeys, type ProviderKeys } from './keys.ts'
import { BackChannelLogoutDispatcher } from './back-channel-logout.ts'

/** The endpoints that take a POST: authorization (form post), token, userinfo, logout and its confirmation, revocation. */
const providerPostPaths = ['/auth', '/token', '/me', '/session/end', '/session/end/confirm', '/token/revocation'].map((p) => `${oidcPrefix}${p}`)

type CreateProvider = typeof import('./provider.ts').createProvider

type ProviderRequest = IncomingMessage & { bamaraAccountId?: string; bamaraLang?: 'fr' | 'en' }

interface PortalLogoutContext {
  cookies: { get: (name: string, options: object) => string | undefined }
  req: { portalLogout?: Promise<void>; bamaraAccountId?: string }
  oidc: { params: { logout?: unknown }; session: { accountId?: string } }
}

const InteractionParams = Type.Object({ uid: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) })

export interface OpenidProviderOptions {
  /** Start delivering back-channel logouts (off in tests that drive delivery themselves). */
  startLogoutDispatcher?: boolean
  pollInterval?: number
}

export async function openidProviderRoutes (instance: FastifyInstance, options: OpenidProviderOptions) {
  const app = typed(instance)
  const base = new URL(app.config.appBaseUrl)
  const secureCookies = base.protocol === 'https:'

  const logouts = new BackChannelLogoutDispatcher({
    db: app.db, issuer: app.config.appBaseUrl, now: app.now, log: app.log, pollInterval: options.pollInterval,
    maximumAttempts: app.rules.oidcLogoutMaximumAttempts, retiredKeyPublication: app.rules.oidcRetiredKeyPublication,
  })
  if (options.startLogoutDispatcher ?? true) app.addHook('onReady', async () => logouts.start())
  app.addHook('onClose', async () => logouts.stop())

  type Built = ReturnType<typeof build>
  let loading: Promise<{ createProvider: CreateProvider; keys: ProviderKeys; current: Built }> | undefined
  let keysCheckedAt = Date.now()

  async function load () {
    const [{ createProvider }] = await Promise.all([import('./provider.ts'), ensureProviderKeys(app.db, app.now())])
    const keys = await loadProviderKeys(app.db, app.now(), app.rules.oidcRetiredKeyPublication)
    keysCheckedAt = Date.now()
    return { createProvider, keys, current: build(createProvider, keys) }
  }

  function build (createProvider: CreateProvider, providerKeys: ProviderKeys) {
    const provider = createProvider({ issuer: app.config.appBaseUrl, db: app.db, rules: app.rules, keys: providerKeys, secureCookies })
    provider.proxy = true
    // RP-initiated logout ends the portal session too: one session for the portal and its clients.
    // Only when the user confirmed the logout of everything (« Non, rester connecté » ends the
    // client's sign-in only), and only the portal session of the account whose provider session
    // ended: the library also ends, without asking, a session nobody signed in to (a link from
    // any site would log the portal out) and a previous account's session at the next sign-in.
    // The event cannot wait; the middleware below holds the answer until the session is gone.
    provider.on('end_session.success', (ctx) => {
      const c = ctx as PortalLogoutContext
      const ended = c.oidc.session.accountId
      if (c.oidc.params.logout && ended !== undefined && ended === c.req.bamaraAccountId) c.req.portalLogout = endPortalSession(c)
    })
    provider.use(async (ctx, next) => {
      await next()
      await (ctx as PortalLogoutContext).req.portalLogout
    })
    provider.on('server_error', (_ctx, error) => app.log.error({ err: { message: (error as Error).message } }, 'openid provider error'))
    return { provider, callback: provider.callback() }
  }

  async function endPortalSession (ctx: PortalLogoutContext) {
    const token = ctx.cookies.get(app.sessionCookie, { signed: false })
    if (token) await destroySession(app.db, token).catch((error: unknown) => app.log.error({ err: error }, 'portal session not ended'))
  }

  /** The provider with the keys in the database: a rotation reaches every instance within oidcKeyReloadInterval. */
  async function currentProvider (): Promise<Built> {
    // A failed load (database unreachable) is retried by the next request.
    loading ??= load().catch((error: unknown) => { loading = undefined; throw error })
    const loaded = await loading
    if (Date.now() - keysCheckedAt >= app.rules.oidcKeyReloadInterval) {
      keysCheckedAt = Date.now()
      const fresh = await loadProviderKeys(app.db, app.now(), app.rules.oidcRetiredKeyPublication)
      if (fresh.version !== loaded.keys.version) {
        loaded.keys = fresh
        loaded.current = build(loaded.createProvider, fresh)
      }
    }
    return loaded.current
  }

  /** What the provider reads from the request: the canonical origin, the client address, the portal account and language. */
  function prepare (request: FastifyRequest): ProviderRequest {
    const raw = request.raw as ProviderRequest
    raw.headers['x-forwarded-proto'] = base.protocol.slice(0, -1)
    raw.headers['x-forwarded-host'] = base.host
    raw.headers['x-forwarded-for'] = request.ip
    raw.bamaraAccountId = request.account?.id
    raw.bamaraLang = request.lang
    return raw
  }

  async function handOverToProvider (request: FastifyRequest, reply: FastifyReply) {
    const { callback } = await currentProvider()
    const raw = prepare(request)
    reply.hijack()
    callback(raw, reply.raw as ServerResponse)
  }

  const noHandler = async () => {}
  app.route({ method: 'GET', url: '/.well-known/openid-configuration', onRequest: handOverToProvider, handler: noHandler })
  app.route({ method: ['GET', 'OPTIONS'], url: `${oidcPrefix}/*`, onRequest: handOverToProvider, handler: noHandler })
  // The provider's form and API endpoints, named one by one (the fuzzing and the route lists see them).
  for (const path of providerPostPaths) app.post(path, { onRequest: handOverToProvider }, noHandler)

  // GET /oidc/interaction/:uid
  app.get(`${oidcPrefix}/interaction/:uid`, { schema: { params: InteractionParams } }, async function continueSignIn (request, reply) {
    const { provider } = await currentProvider()
    const raw = prepare(request)
    const details = await provider.interactionDetails(raw, reply.raw).catch(() => undefined)
    // No interaction for this browser (expired, finished, or another browser's link).
    if (!details || details.uid !== request.params.uid) throw new RequestRefused(400)
    const account = request.account
    // Never missing with an account; 0 would fail safe (a fresh login asked, tokens ending at once).
    const startedAt = request.sessionStartedAt ?? 0
    const loginAskedAt = (details.result as LoginAskedMark | undefined)?.loginAskedAt
    const loggedInSince = loginAskedAt !== undefined && startedAt > loginAskedAt
    const confirming = account !== undefined && !loggedInSince && asksFreshLogin(details, startedAt, app.now())
    if (!account || confirming) {
      if (loginAskedAt === undefined) {
        details.result = { loginAskedAt: app.now() } satisfies LoginAskedMark
        await details.persist()
      }
      const query = new URLSearchParams({ retour: interactionPath(details.uid) })
      if (request.sessionExpired) query.set('expiree', '1')
      if (confirming) query.set('confirmer', '1')
      return reply.redirect(`/connexion?${query.toString()}`, 303)
    }
    const clientId = String(details.params.client_id ?? '')
    await app.db.transaction().execute((tx) => recordEvent(tx, {
      type: 'oidc.signIn', actorId: account.id, targetId: account.id, ...requestMeta(request), details: { clientId },
    }, app.now()))
    // The login is the portal's (password and emailed code), at the portal session's start: the
    // ID token's auth_time says when it happened, not when this client asked. The grant is
    // created by loadExistingGrant (first-party clients: no consent screen).
    const redirectTo = await provider.interactionResult(raw, reply.raw, {
      login: { accountId: account.id, amr: ['pwd', 'otp'], remember: false, ts: Math.floor(startedAt / 1000) },
    }, { mergeWithLastSubmission: false })
    return reply.redirect(redirectTo, 303)
  })
}

/**
 * When this interaction first sent the browser to the login, kept in it: a portal session that
 * began later answers the client whatever it asked; an older one may not (asksFreshLogin), even
 * if a visit without the portal's cookie came between. The interaction's own `iat` is in whole
 * seconds: a login within the second of the request could not be told from one just before it.
 */
interface LoginAskedMark { loginAskedAt: number }

/**
 * The client asked for a login now (prompt=login) or more recent than max_age seconds: a portal
 * session from before its request cannot answer it; the password and the emailed code are
 * asked again (OpenID Connect Core 3.1.2.1), and the portal session that login opens does.
 */
function asksFreshLogin (details: InteractionDetails, sessionStartedAt: number, now: number): boolean {
  if (details.prompt.reasons.includes('login_prompt')) return true
  const maxAge = Number(details.params.max_age)
  return Number.isFinite(maxAge) && now - sessionStartedAt > maxAge * 1000
}
