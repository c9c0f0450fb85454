/**
 * Both password emails go to the account's owner, greeted by civility and last name
 * (user guide §3.3): the addressing written once for the two.
 */
import type { PasswordOwner } from '../password-reset.queries.ts'

export function toOwner (owner: PasswordOwner) {
  return { to: owner.email, greeting: { civility: owner.civility, lastName: owner.last_name } }
}
