/**
 * The web kernel: cookies, forms, security headers (CSP with nonces), static files, language,
 * CSRF protection on every state-changing request, page rendering, and the one error handler.
 */
import AjvCompiler from '@fastify/ajv-compiler'
import path from 'node:path'
import querystring from 'node:querystring'
import { fileURLToPath } from 'node:url'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply } from 'fastify'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import helmet from '@fastify/helmet'
import staticFiles from '@fastify/static'
import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { AppConfig } from '../../config.ts'
import { issueToken, isWellFormedToken, safeEqual } from '../security/tokens.ts'
import { Overloaded } from '../security/passwords.ts'
import { html, renderToString, type Html } from './html.ts'
import { renderLayout, type PageOptions } from './layout.ts'
import { layoutMessages, languages, type Lang } from './messages.ts'
import { CsrfRejected, HttpProblem, RateLimited, RequestRefused, isDatabaseUnavailable } from './errors.ts'
import { safeReturnPath } from './redirects.ts'
import './context.ts'

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page in the layout, with `Cache-Control: no-store`. */
    page: (options: PageOptions, statusCode?: number) => FastifyReply
  }
  interface FastifyInstance {
    /** Cookie name and options: `__Host-` prefix and Secure when served over https. */
    cookieName: (base: string) => string
    cookieOptions: { path: '/'; httpOnly: true; sameSite: 'lax'; secure: boolean }
  }
}

/**
 * What a form body may hold, checked before it is parsed (so before the CSRF check and the rate
 * limits: these bound what an anonymous request costs). Sized on the largest legitimate form:
 * « Confirmer » of the access review with its 200 accounts ticked is about 9 KB and 202 fields;
 * a registration with 200 sites, 100-letter names and 256-character accented passwords about
 * 12 KB and 211 fields (only 256 emoji in both password fields on top would pass 16 KB).
 * The CSV imports go through the CLI, not the web. Over either limit: 413.
 */
export const formLimits = {
  /** Bytes of an application/x-www-form-urlencoded body (also Fastify's bodyLimit). */
  bodyBytes: 16 * 1024,
  /**
   * Fields (name=value pairs) of one form: over twice the largest, so a list a little over its
   * schema's maxItems (200) still gets the form's own message.
   */
  fields: 500,
} as const

const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../public')
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export interface WebKernelOptions { config: AppConfig }

async function webKernel (app: FastifyInstance, { config }: WebKernelOptions) {
  const secure = config.appBaseUrl.startsWith('https://')
  const cookieName = (base: string) => (secure ? `__Host-${base}` : base)
  const cookieOptions = { path: '/' as const, httpOnly: true as const, sameSite: 'lax' as const, secure }
  app.decorate('cookieName', cookieName)
  app.decorate('cookieOptions', cookieOptions)

  await app.register(cookie)
  // Forms are the only bodies the app reads: no JSON, no text/plain (Fastify's defaults) and no
  // multipart, so anything else is a 415 before a byte of it is parsed.
  app.removeAllContentTypeParsers()
  await app.register(formbody, { bodyLimit: formLimits.bodyBytes, parser: parseForm })
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: config.nodeEnv === 'production'
      ? { maxAge: 63072000, includeSubDomains: true }
      : false,
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  })
  await app.register(staticFiles, { root: publicDir, prefix: '/static/', maxAge: '1h', index: false })

  const appOrigin = new URL(config.appBaseUrl).origin
  const langCookie = cookieName('langue')
  const csrfCookie = cookieName('csrf')

  app.decorateRequest('lang', 'fr')
  app.decorateRequest('csrfToken', '')
  app.decorateRequest('account', undefined)
  app.decorateRequest('sessionTimeLeft', undefined)
  app.decorateRequest('refusalBackLink', undefined)

  app.addHook('onRequest', async (request, reply) => {
    request.lang = chooseLanguage(request.cookies[langCookie], request.headers['accept-language'])
    const existing = request.cookies[csrfCookie]
    if (isWellFormedToken(existing)) {
      request.csrfToken = existing
    } else if (!request.url.startsWith('/static/')) {
      request.csrfToken = issueToken().token
      reply.setCookie(csrfCookie, request.csrfToken, cookieOptions)
    }
  })

  // NUL never belongs in a form or a link, and PostgreSQL refuses it in text (a 500 otherwise):
  // it becomes U+FFFD, so the forms answer as for any other wrong character.
  app.addHook('preValidation', async (request) => {
    request.query = replaceNul(request.query) as typeof request.query
    request.body = replaceNul(request.body) as typeof request.body
  })

  // The body must be parsed before the token in it can be checked, hence preHandler.
  app.addHook('preHandler', async (request) => {
    if (!unsafeMethods.has(request.method)) return
    const fetchSite = request.headers['sec-fetch-site']
    if (fetchSite === 'cross-site') throw new CsrfRejected()
    if (!isOwnOrigin(request.headers.origin, fetchSite, appOrigin)) throw new CsrfRejected()
    const sent = fieldOf(request.body, '_csrf') ?? request.headers['x-csrf-token']
    const expected = request.cookies[csrfCookie]
    if (typeof sent !== 'string' || !isWellFormedToken(expected) || !safeEqual(sent, expected)) {
      throw new CsrfRejected()
    }
  })

  const settings = { appName: config.appName, supportEmail: config.supportEmail, sessionExpiryWarning: config.rules.sessionExpiryWarning }
  app.decorateReply('page', function (this: FastifyReply, options: PageOptions, statusCode = 200) {
    const markup = renderLayout(this.request, this, settings, options)
    return this.code(statusCode)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(renderToString(markup))
  })

  // POST /langue: the language switch in the header (a cookie, so a form, not a GET).
  app.withTypeProvider<TypeBoxTypeProvider>().post('/langue', {
    schema: { body: Type.Object({ langue: Type.String({ maxLength: 5 }), retour: Type.Optional(Type.String({ maxLength: 500 })) }) },
    attachValidation: true,
  }, async function switchLanguage (request, reply) {
    const body: { langue?: string; retour?: string } = request.validationError ? {} : request.body
    const lang = languages.find((l) => l === body.langue) ?? 'fr'
    reply.setCookie(langCookie, lang, { ...cookieOptions, maxAge: 365 * 24 * 3600 })
    return reply.redirect(safeReturnPath(body.retour), 303)
  })

  app.setNotFoundHandler(function showNotFound (request, reply) {
    const t = layoutMessages[request.lang]
    return reply.page({ title: t.notFoundTitle, body: messagePage(t.notFoundTitle, t.notFoundBody, t.backHome) }, 404)
  })

  // The one error handler: every refusal and failure is worded here, in the request's language
  // (flows throw status-only errors or return outcomes the routes word as HttpProblem).
  app.setErrorHandler(function showError (error, request, reply) {
    const t = layoutMessages[request.lang ?? 'fr']
    const show = (status: number, title: string, detail: string, back = { href: '/', label: t.backHome }) =>
      reply.page({ title, body: messagePage(title, detail, back.label, back.href) }, status)
    const isRefusal = (error instanceof HttpProblem || error instanceof RequestRefused) && [403, 404, 409].includes(error.statusCode)
    const back = isRefusal ? request.refusalBackLink : undefined
    if (error instanceof HttpProblem) {
      reply.headers(error.headers)
      return show(error.statusCode, error.title, error.detail, back)
    }
    if (error instanceof RateLimited) {
      reply.header('retry-after', String(error.retryAfterSeconds))
      return show(429, t.tooManyTitle, t.tooManyBody(Math.ceil(error.retryAfterSeconds / 60)))
    }
    if (error instanceof CsrfRejected) {
      request.log.warn({ reason: 'csrf' }, 'request refused')
      return show(403, t.forbiddenTitle, t.csrfBody)
    }
    if (error instanceof Overloaded || isDatabaseUnavailable(error)) {
      const { message, code } = error as { message?: string; code?: string }
      request.log.error({ err: { message, code } }, 'service unavailable')
      reply.header('retry-after', '5')
      return show(503, t.unavailableTitle, t.unavailableBody)
    }
    const status = (error as { statusCode?: number }).statusCode
    if (status !== undefined && status >= 400 && status < 500) {
      const words = refusalWords(request.lang ?? 'fr', status)
      return show(status, words.title, words.detail, back)
    }
    request.log.error({ err: error }, 'unexpected error')
    return show(500, t.errorTitle, t.errorBody)
  })
}

/**
 * The words of a refusal that carries only its status (a 4xx from Fastify, or `RequestRefused`
 * thrown by a flow), in the request's language: flows never word their refusals.
 */
export function refusalWords (lang: Lang, status: number): { title: string; detail: string } {
  const t = layoutMessages[lang]
  if (status === 413) return { title: t.badRequestTitle, detail: t.tooLargeBody }
  if (status === 404) return { title: t.notFoundTitle, detail: t.notFoundBody }
  if (status === 403) return { title: t.forbiddenTitle, detail: t.forbiddenBody }
  return { title: t.badRequestTitle, detail: t.badRequestBody }
}

/** One field of a parsed form body (before any route schema reads it: hooks see `unknown`). */
function fieldOf (body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
}

/**
 * Fastify's own validator compiler (@fastify/ajv-compiler, the same options), compiling each
 * route's schema when the route first validates a request instead of at start: compiling the
 * ~100 routes' schemas with Ajv took about a fifth of the start-up's CPU, and the generated
 * validators of routes nobody calls held memory (docs/performance.md). A schema error would
 * then show at the route's first request; every route is exercised by the tests.
 */
export function lazyValidatorCompiler (): AjvCompiler.BuildCompilerFromPool {
  const buildDefault = AjvCompiler()
  return (externalSchemas, options) => {
    // The Ajv instance itself (its meta-schemas compiled) is built by the first validation too.
    let compile: ReturnType<typeof buildDefault> | undefined
    return (route) => {
      let validate: ReturnType<ReturnType<typeof buildDefault>> | undefined
      const lazy = Object.assign((data: unknown) => {
        compile ??= buildDefault(externalSchemas, options)
        validate ??= compile(route)
        const valid = validate(data)
        // Fastify reads the errors on the function it called.
        lazy.errors = validate.errors
        return valid
      }, { errors: null as NonNullable<typeof validate>['errors'] })
      return lazy as unknown as NonNullable<typeof validate>
    }
  }
}

/**
 * Fastify's schemaErrorFormatter: a path parameter the route's schema refuses (an id that is not
 * a UUID) names nothing, so it is the 404 of an id not found (same page, same audit of the
 * refusal); a query or a body the schema refuses is a 400 the error handler words (or the route,
 * with attachValidation, turns into field messages).
 */
export function schemaErrorFormatter (_errors: unknown, dataVar: string): Error {
  return dataVar === 'params' ? new RequestRefused(404) : new Error(`${dataVar} refused by the route's schema`)
}

/** The fields of a urlencoded body; more than formLimits.fields is a 413 before any is decoded. */
function parseForm (body: string): Record<string, unknown> {
  let fields = 1
  for (let at = body.indexOf('&'); at !== -1; at = body.indexOf('&', at + 1)) {
    if (++fields > formLimits.fields) throw new TooManyFields()
  }
  return querystring.parse(body, '&', '=', { maxKeys: formLimits.fields })
}

/** Fastify's 413: rendered by the error handler as « Les données envoyées sont trop volumineuses ». */
class TooManyFields extends Error {
  readonly statusCode = 413
  constructor () { super('too many form fields') }
}

/**
 * Origin check of a state-changing request (ASVS 3.5.1): no Origin (older clients; the token still
 * decides) or the app's own. `null` is an opaque origin (a sandboxed frame, a data: document, a
 * redirect from another site) and is refused, except with `Sec-Fetch-Site: same-origin`, which no
 * page can forge: browsers send `Origin: null` for a form posted from a page with
 * `Referrer-Policy: no-referrer`, as the pages holding a link's token (unlock, reset,
 * confirmation) are. A browser too old to send Sec-Fetch-Site is refused on those forms.
 */
function isOwnOrigin (origin: string | undefined, fetchSite: string | string[] | undefined, appOrigin: string): boolean {
  if (origin === undefined || origin === appOrigin) return true
  return origin === 'null' && fetchSite === 'same-origin'
}

function chooseLanguage (cookieValue: string | undefined, acceptLanguage: string | undefined): Lang {
  if (cookieValue === 'fr' || cookieValue === 'en') return cookieValue
  // French first: English only when the browser prefers it to French.
  const preferred = (acceptLanguage ?? '').split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';')
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.split('=')[1] ?? 1)
      return { tag: tag.split('-')[0], q: Number.isFinite(q) ? q : 0 }
    })
    .filter((entry) => entry.tag === 'fr' || entry.tag === 'en')
    .sort((a, b) => b.q - a.q)[0]
  return preferred?.tag === 'en' ? 'en' : 'fr'
}

/** The value with every U+0000 (in strings, arrays and objects, a few levels down) replaced by U+FFFD. */
function replaceNul (value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value
  if (depth > 4 || typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map((inner) => replaceNul(inner, depth + 1))
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key.replaceAll('\u0000', '\ufffd'), replaceNul(inner, depth + 1)]))
}

/** A simple page: a title, a paragraph and a link home. */
export function messagePage (title: string, detail: string, backLabel: string, backHref = '/'): Html {
  return html`<h1>${title}</h1><p>${detail}</p><p><a href="${backHref}">${backLabel}</a></p>`
}

export default fp(webKernel, { name: 'web' })

