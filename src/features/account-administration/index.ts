/**
 * Account administration (admin guide « L'interface de gestion » §1–7): the console of account
 * managers and super-administrators, mounted at /gestion by app.ts.
 */
export { accountAdministrationRoutes } from './account-administration.routes.ts'
export {
  selectManagedAccounts, selectManagedListing, requireManagedAccount, findManagedAccount, isEditableBy, managerFrom,
  type Manager, type ManagedAccount,
} from './hospital-scope.ts'
