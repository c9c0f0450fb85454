/**
 * Personal (non-professional) email providers. Admin guide §4.1: « Est-ce que l'email est bien un
 * email institutionnel ? Si c'est un email personnel (gmail etc.), contactez l'utilisateur ».
 * Registration accepts these addresses; the account managers' console and the super-administrators'
 * request email flag them.
 */
import { emailDomain, normalizeEmail } from '../text.ts'

export const personalEmailDomains: ReadonlySet<string> = new Set([
  // International webmail
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.fr', 'ymail.com', 'rocketmail.com',
  'hotmail.com', 'hotmail.fr', 'outlook.com', 'outlook.fr', 'live.com', 'live.fr', 'msn.com',
  'icloud.com', 'me.com', 'mac.com', 'aol.com', 'aol.fr', 'gmx.com', 'gmx.fr', 'gmx.net',
  'mail.com', 'protonmail.com', 'proton.me', 'pm.me', 'tutanota.com', 'yandex.com', 'zoho.com',
  // French internet providers and portals
  'orange.fr', 'wanadoo.fr', 'free.fr', 'sfr.fr', 'neuf.fr', 'club-internet.fr', 'cegetel.net',
  'laposte.net', 'bbox.fr', 'numericable.fr', 'noos.fr', 'aliceadsl.fr', 'voila.fr', 'nordnet.fr',
  'dbmail.com', 'hotmail.be', 'skynet.be', 'bluewin.ch',
])

/** Whether the address belongs to a personal mailbox provider (gmail.com, orange.fr, …). */
export function isPersonalEmailDomain (email: string): boolean {
  return personalEmailDomains.has(emailDomain(normalizeEmail(email)))
}
