/** « Mon compte »: the logged-in user's data, sites, last login and password change. */
export { myAccountRoutes } from './my-account.routes.ts'
