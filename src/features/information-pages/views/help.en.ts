/**
 * Help: English translation of the user guide (see help.fr.ts; same anchors, same rules).
 * Button and email names are given in French, as the application shows them, with a translation.
 */
import { html } from '../../../kernel/web/html.ts'
import type { GuideFacts } from '../information-pages.ts'
import { durationInWords } from '../../../kernel/web/messages.ts'
import type { DocumentContent } from './document.ts'

export function helpEn ({ appName, appBaseUrl, supportEmail, rules }: GuideFacts): DocumentContent {
  const support = html`<a href="mailto:${supportEmail}">${supportEmail}</a>`
  const duration = (ms: number) => durationInWords('en', ms)
  const subject = (french: string, english: string) => html`<span lang="fr">« ${appName} - ${french} »</span> (${english})`
  const label = (french: string, english: string) => html`<span lang="fr">« ${french} »</span> (${english})`
  return {
    title: 'Help — user guide',
    intro: html`<p>This guide explains how to register, sign in and manage your ${appName} account and,
for account managers, how to manage their hospital’s accounts. Emails are sent in French; their subjects
are given below. A question not answered here? <a href="/contact">Contact support</a>.</p>`,
    sections: [
      {
        id: 'connexion',
        title: '1. Getting there',
        body: html`<p>Open a recent browser and type <strong>${appBaseUrl}</strong> in the address bar. If your
browser shows a security warning about the site’s certificate, do not continue: check the address and, if
it is right, tell support (${support}).</p>`,
      },
      {
        id: 's-inscrire',
        title: '2. Registering',
        body: html``,
        subsections: [
          {
            id: 'formulaire-inscription',
            title: '2.1. Registration form',
            body: html`<p>On the login page, click ${label('S’inscrire', 'Register')} and fill in the form.</p>
<ul>
<li>Give your <strong>professional email address</strong>; otherwise your request may be refused
(<a href="/cgu#article-8">article 8 of the terms of use</a>). It will be your login.</li>
<li>Sharing one account between several people is strictly forbidden.</li>
<li>Your password needs a lower-case letter, an upper-case letter, a digit and a special character, and
at least ${rules.passwordMinimumLength} characters. It must not be a common password, nor contain a word
tied to the application (BaMaRa, rare diseases…), your names, email address or hospital name (“CHU”,
“<span lang="fr">hôpital</span>” or “<span lang="fr">centre</span>” are allowed). The form lists each rule and, on a refusal, says which one.</li>
<li>Choose your hospital, then the rare-disease site(s) where you work: its sites appear at once, and
what you typed stays (in a browser without JavaScript, click “Show this hospital’s sites”: the form comes
back with your details, but the passwords must be typed again). Account managers choose
<span lang="fr">« Site administrateur comptes (Nom Établissement) »</span>.</li>
</ul>
<p>You then receive ${subject('Veuillez confirmer votre adresse email', 'please confirm your email address')}:
follow its link (valid ${duration(rules.emailConfirmationTtl)}) and confirm with the button on the page.
Once your address is confirmed, your request goes to your hospital’s account manager (account
managers’ requests then go to the ${appName} super-administrators). You cannot sign in before your account is activated.</p>`,
          },
          {
            id: 'validation-compte',
            title: '2.2. Account activation',
            body: html`<p>When your request is approved you receive
${subject('Votre compte vient d\'être activé', 'your account has been activated')}; you can then
<a href="#se-connecter">sign in</a>.</p>`,
          },
        ],
      },
      {
        id: 'se-connecter',
        title: '3. Signing in',
        body: html``,
        subsections: [
          {
            id: 'connexion-identifiants',
            title: '3.1. Login',
            body: html`<p>Enter your professional email address and your password, then click
${label('Se connecter', 'Sign in')}.</p>
<p>Once signed in, account managers and super-administrators go straight to account management;
users go to « My account ».</p>`,
          },
          {
            id: 'code-usage-unique',
            title: '3.2. One-time code',
            body: html`<p>A one-time 8-digit code is then emailed to you
(${subject('Mot de passe à usage unique', 'one-time password')}). Type it in the
${label('Code à usage unique', 'one-time code')} field. <strong>The code is valid for
${duration(rules.oneTimeCodeTtl)} only</strong>; after that, click ${label('Envoyer un nouveau code', 'send a new code')}.
The code works only in the browser, on the computer, where you asked for it.</p>`,
          },
          {
            id: 'mot-de-passe-oublie',
            title: '3.3. Forgotten password',
            body: html`<p>Click ${label('Mot de passe oublié ?', 'forgotten password?')}, enter your email address and
click ${label('Envoyer la demande', 'send the request')}. You receive
${subject('Changez votre mot de passe', 'change your password')}; its link opens a page where you type
your new password twice, then click ${label('Changer mon mot de passe', 'change my password')}.
<strong>The link is valid for ${duration(rules.passwordResetTtl)}</strong>, once.</p>`,
          },
          {
            id: 'session-expiree',
            title: '3.4. Session expired',
            body: html`<p>Your session ends after ${duration(rules.sessionIdleTimeout)} without activity. Sign in
again: you come back to the page you were on.</p>
<p>${duration(rules.sessionExpiryWarning)} before the end, a « Your session is about to expire » window
warns you (when JavaScript is on in your browser): click « Stay logged in » to keep your session.
The button has the focus: pressing Enter is enough.</p>
<p>If you submit a form after your session expired, nothing is lost: after signing in, you come back
to that form with what you had typed (except passwords, to be typed again) and a message reminding
you that it is not saved yet. Check it, then submit it. What you typed is kept for
${duration(rules.savedFormTtl)}.</p>`,
          },
          {
            id: 'compte-verrouille',
            title: '3.5. Locked account',
            body: html`<p>After ${rules.maximumFailedPasswords} wrong passwords in a row your account is locked and you
receive ${subject('Déverrouillez votre compte', 'unlock your account')}; its link (valid
${duration(rules.unlockTtl)}) unlocks the account. No email? Tell support (${support}). Password
forgotten? <a href="#mot-de-passe-oublie">Reset it</a>.</p>`,
          },
        ],
      },
      {
        id: 'difficultes',
        title: '4. Trouble signing in',
        body: html`<ul>
<li>Email address not confirmed: find the confirmation email and follow its link; your account manager or
support can send it again.</li>
<li>Account not activated yet: wait a reasonable time before contacting your account manager or support.</li>
<li>Password forgotten: see <a href="#mot-de-passe-oublie">Forgotten password</a>.</li>
<li>Login email forgotten: it is your professional address; otherwise contact support.</li>
<li>Wrong address: check that your browser shows ${appBaseUrl}.</li>
</ul>`,
      },
      {
        id: 'se-deconnecter',
        title: '5. Signing out',
        body: html`<p>You are signed out after ${duration(rules.sessionIdleTimeout)} without activity, or when you
close your browser. To sign out yourself, click your name at the top right and choose
${label('Déconnexion', 'log out')}.</p>`,
      },
      {
        id: 'gestion',
        title: '6. Account management (account managers)',
        body: html`<p>Account managers check that each user may access the data (patient records) of the sites
they registered for, then activate the account. They keep access rights up to date and review each user’s
rights at most ${duration(rules.accessReviewInterval)} after the previous review. Choose
${label('Gestion des comptes', 'account management')} once signed in; your own account is in the list: do
not change it.</p>`,
        subsections: [
          {
            id: 'gestion-statuts',
            title: '6.1. Account statuses',
            body: html`<dl>
<dt>${label('Email non confirmé', 'email not confirmed')}</dt><dd>The user has not confirmed their email address yet.</dd>
<dt>${label('En attente d’activation', 'awaiting activation')}</dt><dd>Email confirmed, account not activated yet.</dd>
<dt>${label('Actif', 'active')}</dt><dd>The user has access to ${appName}.</dd>
<dt>${label('Désactivé', 'deactivated')}</dt><dd>The account is deactivated and may be reactivated.</dd>
</dl>
<p>${label('Verrouillé', 'locked')} is shown beside the status of a locked account.</p>`,
          },
          {
            id: 'gestion-verifier',
            title: '6.2. Checking and correcting users’ details',
            body: html`<p>Click the person’s name, or ${label('Actions', 'actions')} then ${label('Modifier', 'edit')}.
Check the first and last names (sometimes swapped), the profession, the email (it must be institutional:
<a href="/cgu#article-8">article 8</a>) and above all the sites, which give access to patient records.
${label('Inverser nom et prénom', 'swap')} swaps the names in the form. In the sites field, type a title,
an abbreviation or a lead’s name: matching sites are suggested as you type; choose one with the arrow
keys and Enter (Escape closes the list; without JavaScript, use the search button, then
${label('Ajouter', 'add')}). The cross on a site’s label removes it; a profile always keeps at least one
site. Nothing is saved until ${label('Valider', 'save')}, which saves every change at once, or nothing when
a rule refuses (such as removing the last site). The page also shows the account’s status and the
actions it allows, so a corrected request is activated from there. Users registered at several
hospitals cannot be edited from one hospital’s interface.</p>`,
          },
          {
            id: 'gestion-activer',
            title: '6.3. Activating an account',
            body: html`<p>Only accounts awaiting activation can be activated: ${label('Actions', 'actions')} then
${label('Activer le compte', 'activate the account')}. The user is told by email. Check first the email
(institutional, not personal), the identity (works at your hospital) and the sites (never the
<span lang="fr">« Site administrateur comptes »</span>, reserved for account managers).</p>`,
          },
          {
            id: 'gestion-desactiver',
            title: '6.4. Deactivating an account',
            body: html`<p>When a user leaves the hospital, deactivate their account:
${label('Actions', 'actions')} then ${label('Désactiver le compte', 'deactivate the account')}. It is neither
deleted nor reassigned and can be reactivated if the user comes back.</p>`,
          },
          {
            id: 'gestion-emails',
            title: '6.5. Sending emails again',
            body: html`<p>${label('Renvoyer le mail de confirmation', 'resend the confirmation email')} for an account
whose email is not confirmed; ${label('Renvoyer le mail de déverrouillage', 'resend the unlock email')} for a
locked account (after ${rules.maximumFailedPasswords} wrong passwords).</p>`,
          },
        ],
      },
      {
        id: 'faq',
        title: '7. Frequently asked questions',
        body: html`<h3 id="faq-connexion">A user cannot sign in with their usual email and password</h3>
<p>Check the account is active, that they use the email they registered with and the address
${appBaseUrl}; then ask them to reset their password.</p>
<h3 id="faq-reinitialisation">A user cannot reset their password</h3>
<p>Check the email they use and the address ${appBaseUrl}, and that the link is less than
${duration(rules.passwordResetTtl)} old.</p>`,
      },
      {
        id: 'en-cas-de-probleme',
        title: '8. If something goes wrong',
        body: html`<ol>
<li>Reload the page (F5).</li>
<li>Sign out, then sign in again.</li>
<li>Still wrong? Take a screenshot and send it to ${support}, describing what does not work in as much
detail as you can (see <a href="/contact">Contact support</a>).</li>
</ol>`,
      },
    ],
  }
}
