/**
 * Where the user may be sent back after login or a language switch: a path of this site only
 * (no scheme, no host, no `//` or `/\` tricks), so no open redirect.
 */
export function safeReturnPath (value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length > 500) return fallback
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback
  try {
    const url = new URL(value, 'http://bamara.invalid')
    if (url.host !== 'bamara.invalid') return fallback
    // Dot segments are resolved by the URL parser: « /.//evil.example » becomes « //evil.example ».
    const path = url.pathname + url.search
    return path.startsWith('//') || path.startsWith('/\\') ? fallback : path
  } catch {
    return fallback
  }
}

/**
 * The path of the page of this site that sent the request (its Referer), or undefined for another
 * site, no Referer or an unsafe path. This site is APP_BASE_URL, never the request's Host header.
 */
export function refererPath (referer: string | undefined, appBaseUrl: string): string | undefined {
  if (!referer) return undefined
  try {
    const url = new URL(referer)
    if (url.origin !== new URL(appBaseUrl).origin) return undefined
    const path = safeReturnPath(url.pathname + url.search, '')
    return path === '' ? undefined : path
  } catch {
    return undefined
  }
}
