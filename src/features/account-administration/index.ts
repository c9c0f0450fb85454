/**
 * Account administration (admin guide « L'interface de gestion » §1–7): the console of account
 * managers and super-administrators, mounted at /gestion by app.ts.
 */
export { accountAdministrationRoutes, type ConsoleLandingBox, type AccountAdministrationOptions } from './account-administration.routes.ts'
