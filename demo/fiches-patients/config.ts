/**
 * The demo application's configuration, from its environment only (as any relying party would
 * be deployed). Every problem is listed at once, in French, and the start stops.
 *
 *   DEMO_RP_PORT            its port (3100)
 *   DEMO_RP_BASE_URL        its own address, as the browser sees it (http://localhost:$DEMO_RP_PORT);
 *                           the redirect, post-logout and back-channel logout URIs are made from it
 *   DEMO_RP_PROVIDER_URL    the issuer: the account service's APP_BASE_URL (http://localhost:3000)
 *   DEMO_RP_CLIENT_ID       given by `npm run cli -- oidc-client add …`
 *   DEMO_RP_CLIENT_SECRET   idem, shown once
 *   DEMO_RP_HOST            listening address (127.0.0.1)
 *   DEMO_RP_LOG_LEVEL       pino level (info)
 */

export interface DemoConfig {
  port: number
  host: string
  baseUrl: string
  providerUrl: string
  clientId: string
  clientSecret: string
  /** Plain http to the provider: only on the developer's own machine (a loopback address). */
  allowInsecureProvider: boolean
  logLevel: string
}

export class DemoConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Configuration de la démo invalide :\n  - ${problems.join('\n  - ')}`)
  }
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]'])

export function readDemoConfig (env: Record<string, string | undefined>): DemoConfig {
  const problems: string[] = []
  const value = (name: string) => {
    const text = env[name]?.trim()
    return text === undefined || text === '' ? undefined : text
  }
  const portText = value('DEMO_RP_PORT') ?? '3100'
  const port = Number(portText)
  if (!/^\d{1,5}$/.test(portText) || port > 65535) problems.push(`DEMO_RP_PORT doit être un numéro de port (reçu « ${portText} »)`)

  const url = (name: string, fallback: string) => {
    const text = (value(name) ?? fallback).replace(/\/+$/, '')
    try {
      const parsed = new URL(text)
      if (!['http:', 'https:'].includes(parsed.protocol) || parsed.search !== '' || parsed.hash !== '') throw new Error('not an origin')
      return parsed
    } catch {
      problems.push(`${name} doit être une adresse http(s) sans paramètres (reçu « ${text} »)`)
      return undefined
    }
  }
  const base = url('DEMO_RP_BASE_URL', `http://localhost:${portText}`)
  const provider = url('DEMO_RP_PROVIDER_URL', 'http://localhost:3000')
  const clientId = value('DEMO_RP_CLIENT_ID')
  const clientSecret = env.DEMO_RP_CLIENT_SECRET
  if (!clientId || !clientSecret) {
    problems.push('DEMO_RP_CLIENT_ID et DEMO_RP_CLIENT_SECRET sont obligatoires : enregistrez d’abord l’application (README, « Démo : application fiches patients »)')
  }
  // http is accepted only between two programs of the developer's machine: anywhere else the
  // client secret and the tokens would cross the network in clear.
  const insecure = (u: URL | undefined) => u?.protocol === 'http:'
  if (provider && insecure(provider) && !loopbackHosts.has(provider.hostname)) problems.push('DEMO_RP_PROVIDER_URL doit être en https hors de la machine locale')
  if (base && insecure(base) && !loopbackHosts.has(base.hostname)) problems.push('DEMO_RP_BASE_URL doit être en https hors de la machine locale')

  if (problems.length > 0 || !base || !provider || !clientId || !clientSecret) throw new DemoConfigError(problems)
  return {
    port,
    host: value('DEMO_RP_HOST') ?? '127.0.0.1',
    baseUrl: base.toString().replace(/\/+$/, ''),
    providerUrl: provider.toString().replace(/\/+$/, ''),
    clientId,
    clientSecret,
    allowInsecureProvider: provider.protocol === 'http:',
    logLevel: value('DEMO_RP_LOG_LEVEL') ?? 'info',
  }
}

/** The URIs to register for this application in the account service. */
export function registeredUris (baseUrl: string) {
  return {
    redirectUri: `${baseUrl}/retour`,
    postLogoutRedirectUri: `${baseUrl}/deconnecte`,
    backchannelLogoutUri: `${baseUrl}/backchannel-logout`,
  }
}
