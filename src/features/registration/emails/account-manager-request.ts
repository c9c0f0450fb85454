/**
 * « Nouvelle demande de compte gestionnaire »: a registration on a « Site administrateur comptes »
 * is a request to the BaMaRa super-administrators (user guide §2.1), who activate such accounts.
 */
import { composeEmail, type MailContext } from '../../../kernel/mail/compose.ts'
import type { Email } from '../../../kernel/mail/outbox.ts'
import type { Civility } from '../../../kernel/db/schema.ts'

export interface AccountManagerRequest {
  civility: Civility
  lastName: string
  firstName: string
  email: string
  profession: string
  hospitalName: string
  personalEmail: boolean
}

export function accountManagerRequestEmail (context: MailContext, to: string, request: AccountManagerRequest): Email {
  const person = `${request.civility === 'mme' ? 'Mme' : 'M.'} ${request.firstName} ${request.lastName} (${request.email}, ${request.profession})`
  return composeEmail(context, {
    template: 'accountManagerRequest',
    to,
    subject: 'Nouvelle demande de compte gestionnaire',
    greeting: 'Bonjour,',
    paragraphs: [
      `${person} s’est inscrit(e) sur le « Site administrateur comptes » de l’établissement ${request.hospitalName} : c’est une demande de compte de gestionnaire des comptes.`,
      ...(request.personalEmail ? ['Attention : cette adresse email est une adresse personnelle, pas une adresse professionnelle.'] : []),
      'Le compte sera en attente d’activation dès que son titulaire aura confirmé son adresse email. Vérifiez que cette personne est bien le gestionnaire des comptes BaMaRa de son établissement avant de l’activer.',
    ],
    action: { label: 'Ouvrir la gestion des comptes', url: `${context.appBaseUrl}/gestion` },
  })
}
