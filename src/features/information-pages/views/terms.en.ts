/**
 * Terms of use, English translation. The French version prevails; article numbers and anchors
 * are the same in both.
 */
import { html } from '../../../kernel/web/html.ts'
import type { GuideFacts } from '../information-pages.ts'
import type { DocumentContent } from './document.ts'

export function termsEn ({ appName, supportEmail }: GuideFacts): DocumentContent {
  const support = html`<a href="mailto:${supportEmail}">${supportEmail}</a>`
  return {
    title: 'Terms of use',
    intro: html`<p>These terms of use govern access to the account service of ${appName}, the French
national rare-disease data bank, and the use of these accounts. Registering means accepting them in full.
This is a translation: the French version (<span lang="fr">« Conditions générales d’utilisation »</span>) prevails.</p>`,
    sections: [
      { id: 'article-1', title: 'Article 1 — Purpose', body: html`<p>${appName} collects a minimum data set for each rare-disease patient followed in a reference, competence or resource centre. This service lets the professionals of these centres request an account, sign in and manage their access to the data of the rare-disease sites where they work.</p>` },
      { id: 'article-2', title: 'Article 2 — Definitions', body: html`<dl>
<dt>User</dt><dd>Anyone holding an account, whatever its status.</dd>
<dt>Hospital</dt><dd>The legal entity (identified by its FINESS number) the sites belong to.</dd>
<dt>Site</dt><dd>A rare-disease centre of a hospital; access to a site gives access to its patients’ records.</dd>
<dt>Account manager</dt><dd>The person appointed by the hospital to check, activate, correct and deactivate its users’ accounts.</dd>
<dt>Super-administrator</dt><dd>A member of the national ${appName} team who, among other things, activates account managers’ accounts.</dd>
</dl>` },
      { id: 'article-3', title: 'Article 3 — Access to the service', body: html`<p>The service is reserved for health professionals and authorised staff working in a rare-disease site of a participating hospital. An account can be used only after its email address is confirmed and the hospital’s account manager has activated it, having checked the person’s right to the data of the requested sites. Access is free of charge.</p>` },
      { id: 'article-4', title: 'Article 4 — Account managers', body: html`<p>Account managers activate an account only after checking the person’s identity, that they work at the hospital, that their email address is professional and that they may access the requested sites. They update access rights when a user’s situation changes, review them at least once a year and deactivate at once the account of a user who leaves the hospital.</p>` },
      { id: 'article-5', title: 'Article 5 — Authentication and security', body: html`<p>Signing in requires the email address, a personal password and a one-time code emailed at each login. Users choose a strong password used for no other service, never disclose it — not even to support, who will never ask for it — and change it at once if they think someone else knows it. After several wrong passwords the account is locked and an unlock link is emailed to its holder. Sessions end automatically after a period of inactivity.</p>` },
      { id: 'article-6', title: 'Article 6 — Confidentiality and professional secrecy', body: html`<p>The data reached through an account are personal health data covered by professional secrecy (article L.1110-4 of the French public health code). Users access them only for patient care and their centre’s missions, make no copy or extract for any other purpose, and share them only with people entitled to know them.</p>` },
      { id: 'article-7', title: 'Article 7 — User commitments', body: html`<p>Users give accurate information when registering and keep it up to date. They report to support (${support}) without delay any unusual use of their account, any login email they did not request and any security flaw they learn of.</p>` },
      { id: 'article-8', title: 'Article 8 — Professional email and personal account', body: html`<p>Registration requires the user’s professional (institutional) email address, issued by their hospital. Personal mailboxes (Gmail, Yahoo, Orange, etc.) are not accepted: such a request is refused and the user is asked to register again with their professional address, which is their login.</p>
<p>Each account is strictly personal. <strong>Sharing one account between several people is strictly forbidden.</strong> A generic or shared address (secretariat, department…) cannot be used to open an account. Any action performed with an account is deemed to have been performed by its holder.</p>` },
      { id: 'article-9', title: 'Article 9 — Traceability of access', body: html`<p>Logins and actions on accounts (registration, login, failed authentication, activation, deactivation, changes of access rights…) are recorded with their date, time, IP address and author. These records serve the security of the service, access control and audits; they may be disclosed to the user’s hospital and to the competent authorities.</p>` },
      { id: 'article-10', title: 'Article 10 — Deactivation', body: html`<p>When users leave their hospital or stop working in the sites they have access to, the account manager deactivates their account; users inform them before leaving. A deactivated account is neither deleted nor reassigned and may be reactivated if the user returns. An account may also be suspended without notice if these terms are breached or the data are at risk.</p>` },
      { id: 'article-11', title: 'Article 11 — Users’ personal data', body: html`<p>Users’ data (identity, profession, email address, hospitals and sites, login records) are processed to manage accounts and secure access to ${appName}, on the basis of the public-interest mission of the national rare-disease data bank (GDPR article 6.1.e). Under GDPR articles 15 to 21, users have the rights of access, rectification, erasure, restriction and objection, exercised through support (${support}), who forwards requests to the data protection officer. Users may lodge a complaint with the CNIL, the French data protection authority.</p>` },
      { id: 'article-12', title: 'Article 12 — Availability and liability', body: html`<p>The ${appName} team strives to keep the service available, without guarantee; it may be interrupted for maintenance. Users are responsible for the use of their account and the confidentiality of their credentials.</p>` },
      { id: 'article-13', title: 'Article 13 — Changes and governing law', body: html`<p>These terms may change; the version in force is linked from every page. They are governed by French law.</p>` },
    ],
  }
}
