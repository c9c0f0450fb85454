/**
 * Forgotten password (user guide §3.3), and the pieces « Mon compte » reuses to change a
 * password the same way: the rules and their messages, the fields, and what a new password does.
 */
export { passwordResetRoutes, afterResetPath } from './password-reset.routes.ts'
export { findNewPasswordProblems, findPersonalWords, replaceAccountPassword, type NewPasswordProblems } from './new-password.ts'
export { findPasswordOwnerById, type PasswordOwner } from './password-reset.queries.ts'
export {
  newPasswordFields, newPasswordErrors, newPasswordLabels, newPasswordField, confirmationField,
  passwordRulesScripts, titleWithErrors,
} from './views/new-password-fields.ts'
