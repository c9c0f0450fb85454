/**
 * Email confirmation (user guide §2.1, §5; admin guide §6). Public API: the routes, and
 * `sendConfirmationEmail` for registration, login (unconfirmed account) and the admin console
 * (« Renvoyer le mail de confirmation »).
 */
export { emailConfirmationRoutes } from './email-confirmation.routes.ts'
export {
  sendConfirmationEmail, resendConfirmationEmail, confirmationValidDays,

} from './email-confirmation.ts'
