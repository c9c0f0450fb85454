/**
 * Lockout's public API: user guide §3.5, admin guide §7. Login calls the counter functions;
 * the admin console calls sendUnlockEmail (« Renvoyer le mail de déverrouillage »).
 */
export { lockoutRoutes } from './lockout.routes.ts'
export {
  isAccountLocked, lockAccount, recordFailedPassword, refuseAddressPastLockCap, resetFailedPasswordCount, sendUnlockEmail, unlockAccountByToken,
  type UnlockResult,
} from './lockout.ts'
