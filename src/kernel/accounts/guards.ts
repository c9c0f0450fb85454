/**
 * Who the logged-in account is to the application, and the guards routes declare: every feature
 * reads roles here (one definition of « account manager »: house style rule 10, admin guide
 * « L'interface de gestion » §1) and no feature imports another to check one.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CurrentAccount } from '../web/context.ts'
import { RequestRefused } from '../web/errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Keeps a form posted after the session expired for the next login of the same account and
     * returns the page to come back to (set by the sessions feature, user guide §3.4).
     */
    keepFormPostedAfterExpiry: (request: FastifyRequest, reply: FastifyReply) => Promise<string>
  }
}

/** The role an account holds now: super-administrator, account manager (an active « Site administrateur comptes »), or user. */
export type AccountRole = 'superadmin' | 'accountManager' | 'user'

export function roleOf (account: CurrentAccount): AccountRole {
  if (account.isSuperadmin) return 'superadmin'
  return account.managedHospitalIds.length > 0 ? 'accountManager' : 'user'
}

/** The roles a route can require; a super-administrator holds every account manager's rights. */
export type Role = 'accountManager' | 'superadmin'

/**
 * preHandler for pages that need a logged-in user: otherwise to the login page, which brings
 * the user back here afterwards (user guide §3.4).
 */
export async function requireAccount (request: FastifyRequest, reply: FastifyReply) {
  if (request.account) return
  const returnTo = request.method === 'POST' ? await request.server.keepFormPostedAfterExpiry(request, reply) : request.url
  const query = new URLSearchParams({ retour: returnTo })
  if (request.sessionExpired) query.set('expiree', '1')
  return reply.redirect(`/connexion?${query.toString()}`, 303)
}

/** preHandler: the logged-in account must hold the role; anonymous users go to login first. */
export function requireRole (role: Role) {
  return async function checkRole (request: FastifyRequest, reply: FastifyReply) {
    if (!request.account) return requireAccount(request, reply)
    const held = roleOf(request.account)
    const allowed = role === 'superadmin' ? held === 'superadmin' : held !== 'user'
    if (!allowed) throw new RequestRefused(403)
  }
}
