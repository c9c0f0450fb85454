/**
 * Words of the dev mailbox (a developer tool: French first like every page, English second).
 */
import type { OutboxStatus } from '../../kernel/db/schema.ts'

const fr = {
  title: 'Boîte mail de développement',
  intro: 'Sans serveur SMTP configuré (SMTP_URL), les emails de l’application ne quittent pas la machine : ils sont gardés ici pour suivre chaque parcours. Cette page n’existe pas en production.',
  caption: (shown: number, total: number) => shown < total
    ? `Emails de l’application, les plus récents en premier (${shown} affichés sur ${total})`
    : `Emails de l’application, les plus récents en premier (${total})`,
  empty: 'Aucun email pour le moment.',
  filterLabel: 'Destinataire',
  filterHint: 'Adresse exacte, par exemple demo.admin@aphp.fr',
  filterButton: 'Filtrer',
  showAll: 'Tout afficher',
  columns: { date: 'Date', recipient: 'Destinataire', subject: 'Objet', template: 'Modèle', status: 'Statut' },
  statuses: { pending: 'En attente', sent: 'Distribué', failed: 'Échec définitif' } satisfies Record<OutboxStatus, string>,
  backToList: 'Retour à la boîte mail',
  details: 'Informations',
  to: 'Destinataire',
  date: 'Date',
  template: 'Modèle',
  status: 'Statut',
  attempts: 'Tentatives',
  lastError: 'Dernière erreur',
  textVersion: 'Version texte',
  htmlVersion: 'Version HTML',
  htmlFrameTitle: (subject: string) => `Version HTML de l’email « ${subject} »`,
  htmlNote: 'Affichage isolé (sans script ni liens actifs) : suivez les liens depuis la version texte.',
  bodyErased: 'Le contenu a été effacé après l’envoi.',
  notFoundTitle: 'Email introuvable',
  notFoundBody: 'Cet email n’existe pas dans la boîte de développement.',
}

const en: typeof fr = {
  title: 'Development mailbox',
  intro: 'With no SMTP server configured (SMTP_URL), the application’s emails never leave this machine: they are kept here so each flow can be followed. This page does not exist in production.',
  caption: (shown: number, total: number) => shown < total
    ? `Application emails, newest first (${shown} shown of ${total})`
    : `Application emails, newest first (${total})`,
  empty: 'No email yet.',
  filterLabel: 'Recipient',
  filterHint: 'Exact address, for example demo.admin@aphp.fr',
  filterButton: 'Filter',
  showAll: 'Show all',
  columns: { date: 'Date', recipient: 'Recipient', subject: 'Subject', template: 'Template', status: 'Status' },
  statuses: { pending: 'Pending', sent: 'Delivered', failed: 'Failed for good' },
  backToList: 'Back to the mailbox',
  details: 'Details',
  to: 'Recipient',
  date: 'Date',
  template: 'Template',
  status: 'Status',
  attempts: 'Attempts',
  lastError: 'Last error',
  textVersion: 'Text version',
  htmlVersion: 'HTML version',
  htmlFrameTitle: (subject: string) => `HTML version of the email “${subject}”`,
  htmlNote: 'Isolated view (no script, links inactive): follow links from the text version.',
  bodyErased: 'The content was erased after sending.',
  notFoundTitle: 'Email not found',
  notFoundBody: 'This email does not exist in the development mailbox.',
}

export const messages = { fr, en }
