/**
 * « BaMaRa - Revue des droits d'accès à effectuer » and its reminder (presentation: access
 * rights are reviewed at least once a year): sent to a hospital's account managers when reviews
 * become due, then once more if they are still due after rules.accessReviewReminderDelay.
 */
import { countOf } from '../../../kernel/web/messages.ts'
import { composeEmail, type MailContext } from '../../../kernel/mail/compose.ts'
import type { Email } from '../../../kernel/mail/outbox.ts'
import type { AccessReviewNoticeKind, Civility } from '../../../kernel/db/schema.ts'

export interface ReviewEmailRecipient { email: string; civility: Civility; last_name: string }

export const reviewDueSubject = 'Revue des droits d\'accès à effectuer'
export const reviewReminderSubject = 'Rappel : revue des droits d\'accès à effectuer'

export function accessReviewEmail (context: MailContext, kind: AccessReviewNoticeKind, to: ReviewEmailRecipient, review: { hospitalName: string; due: number }): Email {
  const accounts = countOf('fr', review.due, 'compte', 'comptes')
  return composeEmail(context, {
    template: kind === 'due' ? 'accessReviewDue' : 'accessReviewReminder',
    to: to.email,
    subject: kind === 'due' ? reviewDueSubject : reviewReminderSubject,
    greeting: { civility: to.civility, lastName: to.last_name },
    paragraphs: [
      kind === 'due'
        ? `Les droits d’accès de ${accounts} de l’établissement ${review.hospitalName} n’ont pas été revus depuis plus d’un an.`
        : `Les droits d’accès de ${accounts} de l’établissement ${review.hospitalName} sont toujours en attente de revue.`,
      'Une revue périodique des droits d’accès doit être effectuée, à minima une fois par an : pour chaque utilisateur, confirmez ses droits, modifiez ses sites ou sa profession, ou désactivez son compte.',
    ],
    action: { label: 'Effectuer la revue des droits', url: `${context.appBaseUrl}/gestion/revue-des-droits` },
  })
}
