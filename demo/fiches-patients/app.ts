/**
 * « Fiches patients », the demo relying party of BaMaRa's account service: the smallest
 * application that signs its users in through the provider and shows each one only the records
 * of the sites in their token. What an application of the registry does, in one file:
 *
 * - sign-in: authorization code flow with PKCE (S256), state and nonce, as a confidential client
 *   (client_secret_basic), with openid-client; the ID token's `sub` and `sid`, and userinfo's
 *   names and `bamara_sites`, are kept in a server-side session under an HttpOnly, SameSite=Lax
 *   cookie (the browser never sees a token);
 * - every page checks, on the server, that the site asked for is in the session's sites: a URL
 *   to another site's record is refused (403), hiding its links would not be enough;
 * - when the access token has expired, the refresh token (rotating: a new one each time) brings
 *   a new one and userinfo the current sites; a refused refresh ends the session;
 * - back-channel logout: the provider posts a logout token when the user's access ends; the
 *   sessions it names end at once (logout-token.ts);
 * - « Se déconnecter »: ends this session, then RP-initiated logout ends the provider's session.
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import * as oidc from 'openid-client'
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose'
import { registeredUris, type DemoConfig } from './config.ts'
import { checkLogoutToken } from './logout-token.ts'
import { recordsOfSite, type HospitalClaim, type SiteClaim } from './records.ts'
import { MemoryStore, type DemoSession } from './session-store.ts'
import { homeView, messages, messageView, page, recordView, signInView, styleSheet, type Lang, type Messages } from './views.ts'

export interface DemoAppOptions {
  store?: MemoryStore
  now?: () => number
  /** Where the logs go (tests keep them to check that no token is ever written). */
  logStream?: NodeJS.WritableStream
}

const scope = 'openid email profile bamara'
/** An access token this close to its end is refreshed before use. */
const refreshMargin = 10_000

interface Provider { config: oidc.Configuration; keys: JWTVerifyGetKey; algorithms: string[] }

export async function buildDemoApp (config: DemoConfig, options: DemoAppOptions = {}) {
  const now = options.now ?? Date.now
  const store = options.store ?? new MemoryStore(now)
  const uris = registeredUris(config.baseUrl)
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // The path only: the callback's query holds the authorization code.
      serializers: { req: (request: { method: string; url: string }) => ({ method: request.method, path: request.url.split('?')[0] }) },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
  })
  await app.register(cookie)
  await app.register(formbody, { bodyLimit: 32_768 })

  const secure = config.baseUrl.startsWith('https:')
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure }
  // Other names than the account service's: on one machine, cookies of two ports are shared.
  const sessionCookie = secure ? '__Host-fiches_session' : 'fiches_session'
  const signInCookie = secure ? '__Host-fiches_connexion' : 'fiches_connexion'
  const providerOrigin = new URL(config.providerUrl).origin

  // The provider's metadata, read at first use (and again after a failure): the demo may start first.
  let discovered: Promise<Provider> | undefined
  function provider (): Promise<Provider> {
    discovered ??= (async () => {
      const configuration = await oidc.discovery(new URL(config.providerUrl), config.clientId, undefined,
        oidc.ClientSecretBasic(config.clientSecret), config.allowInsecureProvider ? { execute: [oidc.allowInsecureRequests] } : undefined)
      const metadata = configuration.serverMetadata()
      if (!metadata.jwks_uri) throw new Error('the provider publishes no jwks_uri')
      const algorithms = (metadata.id_token_signing_alg_values_supported ?? ['RS256']).filter((alg) => /^(ES|RS|PS|Ed)/.test(alg))
      return { config: configuration, keys: createRemoteJWKSet(new URL(metadata.jwks_uri)), algorithms }
    })().catch((error: unknown) => {
      discovered = undefined
      throw error
    })
    return discovered
  }

  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', `default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self' ${providerOrigin}`)
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
    reply.header('cache-control', 'no-store')
  })

  const langOf = (request: FastifyRequest): Lang => {
    const tags = String(request.headers['accept-language'] ?? '').split(',')
      .map((part) => {
        const [tag = '', ...params] = part.trim().toLowerCase().split(';')
        const q = Number(params.find((p) => p.trim().startsWith('q='))?.split('=')[1] ?? 1)
        return { tag, q: Number.isFinite(q) ? q : 0 }
      })
      .filter((l) => l.tag.startsWith('fr') || l.tag.startsWith('en'))
      .sort((a, b) => b.q - a.q)
    return tags[0]?.tag.startsWith('en') ? 'en' : 'fr'
  }

  function sendPage (reply: FastifyReply, lang: Lang, status: number, title: string, body: Parameters<typeof page>[2], session?: DemoSession) {
    const signedIn = session ? { name: `${session.givenName} ${session.familyName}`, csrf: session.csrf } : undefined
    return reply.code(status).type('text/html; charset=utf-8').send(page(lang, title, body, signedIn))
  }
  const sendMessage = (reply: FastifyReply, lang: Lang, status: number, title: keyof Messages, text: keyof Messages, session?: DemoSession) => {
    const t = messages[lang]
    return sendPage(reply, lang, status, t[title] as string, messageView(t[title] as string, t[text] as string, t), session)
  }

  /**
   * This browser's session, its access token fresh; undefined when there is none, or it ended
   * (`ended`: the browser had one, which a back-channel logout or a refused refresh ended).
   */
  async function findCurrentSession (request: FastifyRequest, reply: FastifyReply): Promise<{ session?: DemoSession; ended: boolean }> {
    const token = request.cookies[sessionCookie]
    if (!token) return { ended: false }
    const session = store.findSession(token)
    if (session && await isAccessStillGranted(session)) return { session, ended: false }
    store.endSession(token)
    reply.clearCookie(sessionCookie, cookieOptions)
    return { ended: true }
  }

  /** Refreshes an expired access token (once, whatever the number of parallel requests) and the sites with it. */
  async function isAccessStillGranted (session: DemoSession): Promise<boolean> {
    if (now() < session.accessTokenExpiresAt - refreshMargin) return true
    const refreshToken = session.refreshToken
    if (!refreshToken) return false
    session.refreshing ??= (async () => {
      try {
        const { config: configuration } = await provider()
        const tokens = await oidc.refreshTokenGrant(configuration, refreshToken)
        const userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, session.sub)
        Object.assign(session, claimsOfUser(userinfo), {
          accessToken: tokens.access_token,
          accessTokenExpiresAt: now() + (tokens.expiresIn() ?? 60) * 1000,
          refreshToken: tokens.refresh_token ?? refreshToken,
          idToken: tokens.id_token ?? session.idToken,
        })
        return true
      } catch (error) {
        app.log.info({ error: errorCode(error) }, 'refresh refused: session ended')
        return false
      } finally {
        session.refreshing = undefined
      }
    })()
    return await session.refreshing
  }

  // GET /style.css
  app.get('/style.css', async function sendStyleSheet (_request, reply) {
    return reply.type('text/css; charset=utf-8').send(styleSheet)
  })

  // GET /favicon.ico: none (an answer, not a 404 in the browser's console)
  app.get('/favicon.ico', async function sendNoIcon (_request, reply) {
    return reply.code(204).send()
  })

  // GET /
  app.get('/', async function showRecords (request, reply) {
    const lang = langOf(request)
    const t = messages[lang]
    const { session, ended } = await findCurrentSession(request, reply)
    if (!session) return sendPage(reply, lang, 200, t.signInTitle, signInView(t, ended ? 'sessionEnded' : undefined))
    return sendPage(reply, lang, 200, t.homeTitle, homeView(t, session.sites, session.hospitals, recordsOfSite), session)
  })

  // GET /sites/<site id>/fiches/<number>
  app.get<{ Params: { siteId: string; number: string } }>('/sites/:siteId/fiches/:number', async function showRecord (request, reply) {
    const lang = langOf(request)
    const t = messages[lang]
    const { session, ended } = await findCurrentSession(request, reply)
    if (!session) return sendPage(reply, lang, 401, t.signInTitle, signInView(t, ended ? 'sessionEnded' : undefined))
    // The rule of this application: a site's records only for the people whose token names it.
    const site = session.sites.find((s) => s.id === request.params.siteId)
    if (!site) {
      app.log.warn({ sub: session.sub, siteId: request.params.siteId.slice(0, 100) }, 'record of a site not in the token refused')
      return sendMessage(reply, lang, 403, 'forbiddenTitle', 'forbidden', session)
    }
    const record = /^\d{1,3}$/.test(request.params.number) ? recordsOfSite(site).find((r) => r.number === Number(request.params.number)) : undefined
    if (!record) return sendMessage(reply, lang, 404, 'notFoundTitle', 'notFound', session)
    return sendPage(reply, lang, 200, t.recordTitle(record.reference), recordView(t, site, session.hospitals.find((h) => h.id === site.hospital_id), record), session)
  })

  // GET /connexion: to the provider, with PKCE, state and nonce kept here for the return.
  app.get('/connexion', async function startSignIn (request, reply) {
    const lang = langOf(request)
    let configuration: oidc.Configuration
    try {
      configuration = (await provider()).config
    } catch (error) {
      app.log.error({ error: errorCode(error) }, 'provider unreachable')
      return sendMessage(reply, lang, 502, 'providerDownTitle', 'providerDown')
    }
    const codeVerifier = oidc.randomPKCECodeVerifier()
    const state = oidc.randomState()
    const nonce = oidc.randomNonce()
    const token = store.startSignIn({ state, nonce, codeVerifier })
    reply.setCookie(signInCookie, token, { ...cookieOptions, maxAge: 600 })
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: uris.redirectUri,
      scope,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      ui_locales: lang,
    })
    return reply.redirect(url.toString(), 303)
  })

  // GET /retour?code=…&state=…: the code exchanged for tokens, the session opened.
  app.get('/retour', async function finishSignIn (request, reply) {
    const lang = langOf(request)
    const pending = store.takeSignIn(request.cookies[signInCookie])
    reply.clearCookie(signInCookie, cookieOptions)
    if (!pending) return sendMessage(reply, lang, 400, 'signInFailedTitle', 'signInFailed')
    let session: Omit<DemoSession, 'csrf' | 'createdAt'>
    try {
      const { config: configuration } = await provider()
      const tokens = await oidc.authorizationCodeGrant(configuration, new URL(request.url, config.baseUrl), {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      })
      const idToken = tokens.claims()
      if (!idToken) throw new Error('no ID token')
      const userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub)
      session = {
        sub: idToken.sub,
        sid: typeof idToken.sid === 'string' ? idToken.sid : undefined,
        ...claimsOfUser(userinfo),
        idToken: tokens.id_token,
        accessToken: tokens.access_token,
        accessTokenExpiresAt: now() + (tokens.expiresIn() ?? 60) * 1000,
        refreshToken: tokens.refresh_token,
      }
    } catch (error) {
      app.log.warn({ error: errorCode(error) }, 'sign-in refused')
      return sendMessage(reply, lang, 400, 'signInFailedTitle', 'signInFailed')
    }
    // A new session id at each sign-in (no fixation): the browser's previous one ends.
    store.endSession(request.cookies[sessionCookie])
    reply.setCookie(sessionCookie, store.createSession(session), cookieOptions)
    app.log.info({ sub: session.sub, sites: session.sites.length }, 'signed in')
    return reply.redirect('/', 303)
  })

  // POST /deconnexion: this session ends, then the provider's (RP-initiated logout).
  app.post<{ Body: { csrf?: unknown } }>('/deconnexion', async function signOut (request, reply) {
    const lang = langOf(request)
    const token = request.cookies[sessionCookie]
    const session = store.findSession(token)
    if (!session) return reply.redirect('/', 303)
    if (typeof request.body?.csrf !== 'string' || request.body.csrf !== session.csrf) return sendMessage(reply, lang, 400, 'badRequestTitle', 'badRequest', session)
    store.endSession(token)
    reply.clearCookie(sessionCookie, cookieOptions)
    try {
      const { config: configuration } = await provider()
      const url = oidc.buildEndSessionUrl(configuration, {
        post_logout_redirect_uri: uris.postLogoutRedirectUri,
        ...(session.idToken ? { id_token_hint: session.idToken } : { client_id: config.clientId }),
        ui_locales: lang,
      })
      return reply.redirect(url.toString(), 303)
    } catch (error) {
      app.log.error({ error: errorCode(error) }, 'provider unreachable at logout')
      return reply.redirect('/deconnecte', 303)
    }
  })

  // GET /deconnecte: where the provider sends the browser back after its logout.
  app.get('/deconnecte', async function showSignedOut (request, reply) {
    const lang = langOf(request)
    const t = messages[lang]
    return sendPage(reply, lang, 200, t.loggedOut, signInView(t, 'loggedOut'))
  })

  // POST /backchannel-logout: logout_token=… from the provider (Back-Channel Logout 1.0 §2.5).
  app.post<{ Body: { logout_token?: unknown } }>('/backchannel-logout', async function endSessionsByLogoutToken (request, reply) {
    let keys: Provider
    try {
      keys = await provider()
    } catch (error) {
      app.log.error({ error: errorCode(error) }, 'provider unreachable: logout token not checked')
      return reply.code(503).send({ error: 'temporarily_unavailable' })
    }
    const check = await checkLogoutToken(request.body?.logout_token, {
      issuer: keys.config.serverMetadata().issuer,
      clientId: config.clientId,
      keys: keys.keys,
      algorithms: keys.algorithms,
      acceptOnce: (jti, until) => store.acceptLogoutTokenOnce(jti, until),
      now,
    })
    if (check.outcome === 'refused') {
      app.log.warn({ reason: check.reason }, 'logout token refused')
      return reply.code(400).send({ error: 'invalid_request' })
    }
    if (check.outcome === 'alreadyAccepted') return reply.code(200).send()
    const ended = store.endSessionsOf({ sub: check.sub, sid: check.sid })
    app.log.info({ sub: check.sub, ended }, 'back-channel logout')
    return reply.code(200).send()
  })

  app.setNotFoundHandler(async function showNotFound (request, reply) {
    return sendMessage(reply, langOf(request), 404, 'notFoundTitle', 'notFound')
  })
  app.setErrorHandler(async function showError (error: { statusCode?: number }, request, reply) {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (status === 500) app.log.error({ error: errorCode(error) }, 'unexpected error')
    return sendMessage(reply, langOf(request), status, 'badRequestTitle', 'badRequest')
  })

  return app
}

/** What the pages show of the user, from userinfo; malformed entries are dropped, never trusted. */
function claimsOfUser (userinfo: Record<string, unknown>) {
  const text = (v: unknown) => (typeof v === 'string' ? v : '')
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => x !== null && typeof x === 'object') : [])
  const sites: SiteClaim[] = list(userinfo.bamara_sites)
    .filter((s) => typeof s.id === 'string' && typeof s.title === 'string' && typeof s.hospital_id === 'string')
    .map((s) => ({ id: text(s.id), code: typeof s.code === 'string' ? s.code : null, title: text(s.title), hospital_id: text(s.hospital_id), hospital_finess: text(s.hospital_finess) }))
  const hospitals: HospitalClaim[] = list(userinfo.bamara_hospitals)
    .map((h) => ({ id: text(h.id), name: text(h.name), finess: text(h.finess) }))
  return {
    givenName: text(userinfo.given_name),
    familyName: text(userinfo.family_name),
    email: text(userinfo.email),
    role: text(userinfo.bamara_role),
    sites,
    hospitals,
  }
}

/** An error's code or class for the log: never its message (it may quote a token or a response body). */
function errorCode (error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; error?: unknown; name?: unknown }
    return [e.name, e.code, e.error].filter((x) => typeof x === 'string').join(' ') || 'unknown'
  }
  return typeof error
}
