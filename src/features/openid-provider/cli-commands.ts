/**
 * The provider's commands for deployment scripts (`npm run cli -- …`), in French as the rest of
 * the CLI:
 *
 *   oidc-client add --nom <nom> --redirect-uri <uri> [--redirect-uri <uri>…]
 *                   [--post-logout-uri <uri>…] [--backchannel-logout-uri <uri>]
 *                   [--scopes "openid email profile bamara"] [--jwks <fichier.json>] [--rs256]
 *   oidc-client list
 *   oidc-client rotate-secret <client_id>
 *   oidc-client disable <client_id>
 *   rotate-keys
 *
 * A secret is printed once, on its own line, and never again (stored as a digest). Every change is
 * in the audit trail, with no actor (the operator at the console of the server).
 */
import fs from 'node:fs'
import type { Db } from '../../kernel/db/database.ts'
import { disableClient, findRegistrationProblem, listClients, registerClient, rotateClientSecret, type ClientProblem, type ClientRegistration } from './clients.ts'
import { rotateProviderKeys } from './keys.ts'
import type { FlowContext } from '../../kernel/flow-context.ts'

export interface CommandIo { out: (line: string) => void; err: (line: string) => void; now: () => number }

const usage = `Usage :
  npm run cli -- oidc-client add --nom <nom> --redirect-uri <uri> [--redirect-uri <uri>…]
                 [--post-logout-uri <uri>…] [--backchannel-logout-uri <uri>]
                 [--scopes "openid email profile bamara"] [--jwks <fichier.json>] [--rs256]
  npm run cli -- oidc-client list
  npm run cli -- oidc-client rotate-secret <client_id>
  npm run cli -- oidc-client disable <client_id>`

export const clientProblemMessages: Record<ClientProblem, string> = {
  nameMissing: 'indiquez un nom (100 caractères au plus)',
  redirectUriMissing: 'indiquez au moins une adresse de retour (--redirect-uri)',
  uriInvalid: 'une adresse n’est pas une adresse http(s) complète sans fragment (#)',
  httpsRequired: 'les adresses doivent être en https en production',
  scopeUnknown: 'les scopes possibles sont openid (obligatoire), email, profile et bamara',
  jwksMissing: 'le fichier de clés (--jwks) doit contenir au moins une clé publique',
}

const repeatable = new Set(['redirect-uri', 'post-logout-uri'])
const single = new Set(['nom', 'backchannel-logout-uri', 'scopes', 'jwks'])

function parseAdd (args: string[]): { registration: ClientRegistration; jwksFile?: string } | string {
  const lists: Record<string, string[]> = { 'redirect-uri': [], 'post-logout-uri': [] }
  const values: Record<string, string> = {}
  let rs256 = false
  for (let i = 0; i < args.length; i++) {
    const name = (args[i] as string).replace(/^--/, '')
    if (args[i] === '--rs256') { rs256 = true; continue }
    const value = args[i + 1]
    if (!(args[i] as string).startsWith('--') || (!repeatable.has(name) && !single.has(name))) return `option inconnue : « ${args[i] as string} »`
    if (value === undefined || value.startsWith('--')) return `l’option --${name} attend une valeur`
    if (repeatable.has(name)) (lists[name] as string[]).push(value)
    else values[name] = value
    i++
  }
  return {
    registration: {
      name: values.nom ?? '',
      redirectUris: lists['redirect-uri'] as string[],
      postLogoutRedirectUris: lists['post-logout-uri'] as string[],
      backchannelLogoutUri: values['backchannel-logout-uri'] ?? null,
      scopes: (values.scopes ?? 'openid email profile bamara').split(/\s+/).filter(Boolean),
      authMethod: values.jwks ? 'private_key_jwt' : 'client_secret_basic',
      idTokenAlg: rs256 ? 'RS256' : 'ES256',
    },
    jwksFile: values.jwks,
  }
}

export async function oidcClientCommand (db: Db, production: boolean, args: string[], io: CommandIo): Promise<number> {
  const [action, ...rest] = args
  const actor = { accountId: null }
  if (action === 'add') {
    const parsed = parseAdd(rest)
    if (typeof parsed === 'string') { io.err(`${parsed}.\n${usage}`); return 2 }
    if (parsed.jwksFile) {
      try {
        parsed.registration.jwks = JSON.parse(fs.readFileSync(parsed.jwksFile, 'utf8')) as { keys: unknown[] }
      } catch {
        io.err(`Impossible de lire les clés publiques dans « ${parsed.jwksFile} » (un JWKS en JSON).`)
        return 1
      }
    }
    const problem = findRegistrationProblem(parsed.registration, production)
    if (problem) { io.err(`Client refusé : ${clientProblemMessages[problem]}.`); return 1 }
    const created = await registerClient(db, parsed.registration, actor, io.now())
    io.out(`Client « ${parsed.registration.name} » enregistré.`)
    io.out(`client_id : ${created.clientId}`)
    if (created.clientSecret) {
      io.out('client_secret (affiché une seule fois, conservez-le dans le coffre de l’application) :')
      io.out(created.clientSecret)
    }
    return 0
  }
  if (action === 'list' && rest.length === 0) {
    const clients = await listClients(db)
    if (clients.length === 0) io.out('Aucun client enregistré.')
    for (const c of clients) {
      io.out(`${c.id}  ${c.name}  ${c.disabledAt === null ? 'actif' : 'désactivé'}  ${c.authMethod}  scopes : ${c.scopes.join(' ')}  retour : ${c.redirectUris.join(', ')}`)
    }
    return 0
  }
  if ((action === 'rotate-secret' || action === 'disable') && rest.length === 1) {
    const clientId = rest[0] as string
    if (action === 'disable') {
      if (!await disableClient(db, clientId, actor, io.now())) { io.err(`Aucun client actif « ${clientId} ».`); return 1 }
      io.out(`Client ${clientId} désactivé : il n’obtient plus de jeton, ses jetons de rafraîchissement sont révoqués.`)
      return 0
    }
    const secret = await rotateClientSecret(db, clientId, actor, io.now())
    if (!secret) { io.err(`Aucun client à secret « ${clientId} ».`); return 1 }
    io.out('Nouveau client_secret (l’ancien ne fonctionne plus ; affiché une seule fois) :')
    io.out(secret)
    return 0
  }
  io.err(usage)
  return 2
}

export async function rotateKeysCommand (ctx: FlowContext, io: CommandIo): Promise<number> {
  const kids = await rotateProviderKeys(ctx)
  io.out(`Nouvelles clés de signature publiées (${kids.join(', ')}) ; les précédentes restent publiées le temps que leurs jetons expirent. Les instances en service les prennent en compte dans la minute.`)
  return 0
}
