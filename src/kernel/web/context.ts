/**
 * What every request carries for the pages: language, CSRF token, CSP nonce and the logged-in
 * account (set by the sessions feature). Declared here so the kernel's layout can use them.
 */
import type { Lang } from './messages.ts'

export interface CurrentAccount {
  id: string
  email: string
  civility: 'mme' | 'm'
  firstName: string
  lastName: string
  isSuperadmin: boolean
  /** Hospitals whose « Site administrateur comptes » this active account holds. */
  managedHospitalIds: string[]
}

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang
    csrfToken: string
    /** Set by the sessions feature when a valid session cookie came with the request. */
    account: CurrentAccount | undefined
    /** Set by the sessions feature: the session cookie pointed to a session that just expired (shows « Session expirée »). */
    sessionExpired: boolean
    /**
     * Where a refusal page (403, 404, 409) leads back to, when a feature knows better than the
     * home page (the console: the list the manager came from). Set by that feature's hook.
     */
    refusalBackLink: { href: string; label: string } | undefined
    /** With `account`: milliseconds until the idle timeout ends the session (the expiry warning's clock). */
    sessionTimeLeft: number | undefined
  }
}
