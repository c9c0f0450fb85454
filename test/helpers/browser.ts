/**
 * A tiny cookie-keeping client over app.inject: one instance is one browser. `post` sends the
 * CSRF token the way a form does (hidden field `_csrf`, from the csrf cookie).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

export class TestBrowser {
  readonly cookies = new Map<string, string>()
  constructor (private readonly app: FastifyInstance, readonly headers: Record<string, string> = {}) {}

  private cookieHeader () {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private remember (response: LightMyRequestResponse) {
    for (const c of response.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const expired = c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() <= Date.now()) || c.value === ''
      if (expired) this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    return response
  }

  async get (url: string, headers: Record<string, string> = {}) {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: { ...this.headers, cookie: this.cookieHeader(), ...headers } }))
  }

  /** The CSRF token this browser's forms carry (fetches a page first when it has none). */
  async csrfToken (): Promise<string> {
    const name = [...this.cookies.keys()].find((k) => k.endsWith('csrf'))
    if (name) return this.cookies.get(name) as string
    await this.get('/')
    return this.csrfToken()
  }

  async post (url: string, form: Record<string, string | string[]>, options: { csrf?: boolean; headers?: Record<string, string> } = {}) {
    const params = new URLSearchParams()
    if (options.csrf !== false) params.append('_csrf', await this.csrfToken())
    for (const [key, value] of Object.entries(form)) {
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v)
    }
    return this.remember(await this.app.inject({
      method: 'POST',
      url,
      payload: params.toString(),
      headers: { ...this.headers, 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader(), ...options.headers },
    }))
  }
}
