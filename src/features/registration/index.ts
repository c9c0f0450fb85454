/**
 * Registration (user guide §2.1 « S'inscrire »). Public API: the routes, and the personal-address
 * check the account managers' console uses to flag gmail.com, orange.fr, … (admin guide §4.1).
 */
export { registrationRoutes } from './registration.routes.ts'
export { isPersonalEmailDomain, personalEmailDomains } from '../../kernel/accounts/personal-email-domains.ts'
