/** The French greeting of our emails (emails are written in French only, like the guide's). */
import type { Civility } from '../../../kernel/db/schema.ts'

export function greetingFor (person: { civility: Civility; last_name: string }): string {
  return `Bonjour ${person.civility === 'mme' ? 'Madame' : 'Monsieur'} ${person.last_name},`
}

const parisTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' })

/** « 27 novembre 2026 à 10:00 », in Paris time whatever the server's zone. */
export function frenchDateTime (instant: number): string {
  return parisTime.format(new Date(instant))
}
