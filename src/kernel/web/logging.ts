/**
 * What a request looks like in the logs: method, path, a redacted query (links carry tokens),
 * the client address. Never bodies, cookies or tokens.
 */
import type { FastifyRequest } from 'fastify'

export function redactUrl (url: string): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const params = new URLSearchParams(url.slice(q + 1))
  const kept = [...params.keys()].map((key) => `${encodeURIComponent(key)}=[masqué]`)
  return `${url.slice(0, q)}?${kept.join('&')}`
}

export function logRequestSerializer (request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    remoteAddress: request.ip,
  }
}
