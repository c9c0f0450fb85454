/**
 * « Nouvelle demande de compte gestionnaire »: a registration on a « Site administrateur comptes »
 * is a request to the BaMaRa super-administrators, who activate such accounts. User guide §2.1:
 * the request is sent to them once the link of the confirmation email is clicked, not before.
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
    greeting: 'anyone',
    paragraphs: [
      `${person} s’est inscrit(e) sur le « Site administrateur comptes » de l’établissement ${request.hospitalName} et a confirmé son adresse email : c’est une demande de compte de gestionnaire des comptes.`,
      ...(request.personalEmail ? ['Attention : cette adresse email est une adresse personnelle, pas une adresse professionnelle.'] : []),
      'Le compte est en attente d’activation. Vérifiez que cette personne est bien le gestionnaire des comptes BaMaRa de son établissement avant de l’activer.',
    ],
    action: { label: 'Ouvrir la gestion des comptes', url: `${context.appBaseUrl}/gestion` },
  })
}
