/**
 * Aide: the user guide in HTML, after the « Guide gestionnaire de comptes de BaMaRa – V5 – 2021 »
 * (Connexion, S'inscrire, Se connecter, En cas de difficultés, L'interface de gestion, Se
 * déconnecter, FAQ, En cas de problème). Durations and counts come from the configured rules.
 * Deliberate departure from the guide: it told users to accept a certificate warning; we tell
 * them to stop and write to support instead (accepting it would defeat TLS).
 */
import { html } from '../../../kernel/web/html.ts'
import type { GuideFacts } from '../information-pages.ts'
import { durationInWords } from '../../../kernel/web/messages.ts'
import type { DocumentContent } from './document.ts'

export function helpFr ({ appName, appBaseUrl, supportEmail, rules }: GuideFacts): DocumentContent {
  const support = html`<a href="mailto:${supportEmail}">${supportEmail}</a>`
  const duration = (ms: number) => durationInWords('fr', ms)
  const subject = (text: string) => html`« ${appName} - ${text} »`
  return {
    title: 'Aide — guide d’utilisation',
    intro: html`<p>Ce guide décrit l’inscription, la connexion et la gestion de votre compte ${appName},
puis, pour les gestionnaires de comptes, l’interface de gestion des comptes de leur établissement.
Une question sans réponse ici ? <a href="/contact">Contactez le support</a>.</p>`,
    sections: [
      {
        id: 'connexion',
        title: '1. Connexion',
        body: html`<p>Ouvrez votre navigateur (Firefox, Chrome, Edge, Safari… dans une version récente) et
entrez l’adresse <strong>${appBaseUrl}</strong> dans la barre d’adresse, puis appuyez sur la touche
« Entrée ». La page de connexion s’affiche.</p>
<p>Si votre navigateur affiche une alerte de sécurité sur le certificat du site, ne poursuivez pas :
vérifiez l’adresse saisie et, si elle est correcte, prévenez le support (${support}).</p>`,
      },
      {
        id: 's-inscrire',
        title: '2. S’inscrire',
        body: html``,
        subsections: [
          {
            id: 'formulaire-inscription',
            title: '2.1. Formulaire d’inscription',
            body: html`<p>Sur la page de connexion, cliquez sur « S’inscrire » en bas du cadre, puis remplissez
les champs proposés.</p>
<ul>
<li>Indiquez impérativement votre <strong>email professionnel</strong> ; dans le cas contraire, votre
demande de création de compte peut être refusée (<a href="/cgu#article-8">article 8 des CGU</a>). Cette
adresse vous servira d’identifiant.</li>
<li>Il est strictement interdit de partager un même compte entre plusieurs personnes.</li>
<li>Votre mot de passe doit contenir au moins une minuscule, une majuscule, un chiffre et un caractère
spécial, et faire ${rules.passwordMinimumLength} caractères minimum. Il ne doit pas être un mot de passe
courant, ni contenir un mot lié à l’application (BaMaRa, maladies rares…), ni votre nom, votre prénom,
votre adresse email ou le nom de votre hôpital (« CHU », « hôpital » ou « centre » restent permis). Le
formulaire liste chacune de ces règles et, en cas de refus, dit laquelle n’est pas respectée.</li>
<li>Sélectionnez votre hôpital, puis le ou les sites maladies rares où vous exercez : ses sites
s’affichent aussitôt, sans perdre ce que vous avez déjà saisi (dans un navigateur sans JavaScript,
cliquez sur « Afficher les sites de cet hôpital » : le formulaire revient avec vos informations, mais
les mots de passe sont à saisir de nouveau). Si vous êtes gestionnaire de comptes, sélectionnez le
service « Site administrateur comptes (Nom Établissement) ».</li>
</ul>
<p>Enfin, cliquez sur « S’inscrire ». Vous recevez un email intitulé
${subject('Veuillez confirmer votre adresse email')} : cliquez sur le lien qu’il contient (valable
${duration(rules.emailConfirmationTtl)}) puis sur le bouton de la page qui s’ouvre pour confirmer votre
adresse.</p>
<p>Une fois votre adresse confirmée, votre demande est transmise au gestionnaire de comptes de votre
établissement ; les demandes des gestionnaires de comptes sont alors envoyées aux super-administrateurs
de ${appName}. Pour accélérer
l’activation d’un compte de gestionnaire, signalez votre inscription au support (${support}). Vous ne
pourrez pas vous connecter avant cette activation.</p>`,
          },
          {
            id: 'validation-compte',
            title: '2.2. Validation de votre compte',
            body: html`<p>Lorsque votre demande est validée, vous recevez un email intitulé
${subject('Votre compte vient d\'être activé')}. Connectez-vous alors avec votre adresse email et votre mot
de passe (voir « <a href="#se-connecter">Se connecter</a> »).</p>`,
          },
        ],
      },
      {
        id: 'se-connecter',
        title: '3. Se connecter',
        body: html``,
        subsections: [
          {
            id: 'connexion-identifiants',
            title: '3.1. Connexion',
            body: html`<p>Sur la page de connexion, saisissez votre identifiant (votre adresse email
professionnelle) et votre mot de passe, puis cliquez sur « Se connecter ».</p>
<p>Une fois connecté, un gestionnaire de comptes ou un super-administrateur arrive directement sur
l’interface de gestion des comptes ; un utilisateur arrive sur « Mon compte ».</p>`,
          },
          {
            id: 'code-usage-unique',
            title: '3.2. Procédure d’authentification',
            body: html`<p>Pour terminer la connexion, un code temporaire à usage unique vous est envoyé par email,
intitulé ${subject('Mot de passe à usage unique')}. Copiez le code à 8 chiffres dans le champ
« Code à usage unique » de la page de connexion.</p>
<p><strong>Attention, ce code n’est valable que pendant ${duration(rules.oneTimeCodeTtl)}.</strong> Passé ce
délai, cliquez sur « Envoyer un nouveau code » en bas du cadre.</p>
<p>Le code n’est valable que dans le navigateur et sur le poste de travail où vous l’avez demandé : tout
changement de navigateur ou de poste entraîne l’envoi d’un nouveau code.</p>`,
          },
          {
            id: 'mot-de-passe-oublie',
            title: '3.3. Mot de passe oublié',
            body: html`<p>Cliquez sur « Mot de passe oublié ? » en bas du cadre de la page de connexion, saisissez
votre adresse email puis cliquez sur « Envoyer la demande ». Vous recevez un email intitulé
${subject('Changez votre mot de passe')}.</p>
<p>Le lien qu’il contient ouvre une page où vous saisissez votre nouveau mot de passe dans le champ
« Nouveau mot de passe », puis à l’identique dans le champ « Confirmez votre nouveau mot de passe ».
Cliquez sur « Changer mon mot de passe » : vous êtes redirigé vers la page de connexion.</p>
<p><strong>Attention, le lien n’est valable que pendant ${duration(rules.passwordResetTtl)}</strong>, et une
seule fois. Passé ce délai, faites une nouvelle demande.</p>`,
          },
          {
            id: 'session-expiree',
            title: '3.4. Session expirée',
            body: html`<p>Votre session expire après ${duration(rules.sessionIdleTimeout)} d’inactivité.
Reconnectez-vous avec votre adresse email et votre mot de passe : après « Se connecter », vous revenez sur
la page d’où vous avez été déconnecté.</p>
<p>${duration(rules.sessionExpiryWarning)} avant la fin, une fenêtre « Votre session va expirer » vous
prévient (si JavaScript est activé dans votre navigateur) : cliquez sur « Rester connecté » pour
prolonger votre session. Le bouton reçoit le focus : la touche Entrée suffit.</p>
<p>Si vous validez un formulaire après l’expiration de votre session, rien n’est perdu : après la
connexion, vous revenez sur ce formulaire avec ce que vous aviez saisi (sauf les mots de passe, à
saisir de nouveau) et un message vous rappelle qu’il n’est pas encore enregistré. Vérifiez-le puis
validez. Cette saisie est gardée ${duration(rules.savedFormTtl)}.</p>`,
          },
          {
            id: 'compte-verrouille',
            title: '3.5. Compte verrouillé',
            body: html`<p>Lorsque vous saisissez ${rules.maximumFailedPasswords} fois de suite un mauvais mot de passe,
votre compte est bloqué et un email intitulé ${subject('Déverrouillez votre compte')} vous est adressé
pour vérifier votre identité. Cliquez sur le lien qu’il contient (valable
${duration(rules.unlockTtl)}) pour déverrouiller votre compte, puis connectez-vous.</p>
<p>Si vous n’avez pas reçu cet email, signalez-le au support (${support}). Si vous ne vous souvenez plus
de votre mot de passe, réinitialisez-le (voir « <a href="#mot-de-passe-oublie">Mot de passe oublié</a> »).</p>`,
          },
        ],
      },
      {
        id: 'difficultes',
        title: '4. En cas de difficultés pour vous connecter',
        body: html`<p>Vérifiez d’abord que vous êtes allé au bout de la procédure d’inscription.</p>
<dl class="faq">
<dt>Vous n’avez pas confirmé votre adresse email</dt>
<dd>Recherchez dans vos emails ${subject('Veuillez confirmer votre adresse email')} et cliquez sur le lien.
Si vous ne le retrouvez pas, votre gestionnaire de comptes ou le support (${support}) peut vous le
renvoyer.</dd>
<dt>Votre compte n’a pas encore été activé</dt>
<dd>Attendez un délai raisonnable avant de contacter votre gestionnaire de comptes ou le support.</dd>
<dt>Vous ne vous souvenez plus de votre mot de passe</dt>
<dd>Cliquez sur « Mot de passe oublié ? » en bas du cadre (voir
« <a href="#mot-de-passe-oublie">Mot de passe oublié</a> »).</dd>
<dt>Vous ne vous souvenez plus de l’adresse email qui vous sert d’identifiant</dt>
<dd>C’est votre adresse email professionnelle. Si vous ne la retrouvez pas, contactez le support.</dd>
<dt>Vous n’êtes pas sur la bonne adresse</dt>
<dd>Vérifiez l’adresse dans la barre de votre navigateur : vous devez être sur ${appBaseUrl}. Sinon,
saisissez-la en entier et connectez-vous à nouveau.</dd>
</dl>`,
      },
      {
        id: 'se-deconnecter',
        title: '5. Se déconnecter',
        body: html`<p>Sans activité pendant ${duration(rules.sessionIdleTimeout)}, vous êtes automatiquement
déconnecté. La fermeture de votre navigateur vous déconnecte également.</p>
<p>Pour vous déconnecter vous-même, cliquez sur votre nom en haut à droite de l’écran et sélectionnez
« Déconnexion ».</p>`,
      },
      {
        id: 'gestion',
        title: '6. L’interface de gestion (gestionnaires de comptes)',
        body: html`<p>En tant que gestionnaire de comptes de votre hôpital, vous intervenez à l’étape
d’activation des comptes. Votre mission est de vérifier que l’utilisateur est en droit d’accéder aux
données (fiches patients) des sites dans lesquels il s’est inscrit et, si c’est le cas, d’activer son
compte. Vous mettez également à jour les droits d’accès lorsque c’est nécessaire, et vous revoyez les droits
d’accès de chaque utilisateur au plus tard ${duration(rules.accessReviewInterval)} après la revue précédente.</p>
<p>Une fois connecté, choisissez « Gestion des comptes » : la liste des utilisateurs ayant demandé un
compte dans votre hôpital s’affiche. Votre propre compte y apparaît aussi : ne le modifiez pas.</p>`,
        subsections: [
          {
            id: 'gestion-statuts',
            title: '6.1. Les statuts des comptes utilisateurs',
            body: html`<dl>
<dt>Email non confirmé</dt><dd>L’utilisateur n’a pas encore confirmé son adresse email.</dd>
<dt>En attente d’activation</dt><dd>L’utilisateur a confirmé son adresse email, mais son compte n’est pas encore activé.</dd>
<dt>Actif</dt><dd>Le compte est activé : l’utilisateur a accès à ${appName}.</dd>
<dt>Désactivé</dt><dd>Le compte a été désactivé ; il peut être réactivé.</dd>
</dl>
<p>La mention « Verrouillé » s’affiche à côté du statut d’un compte bloqué après trop de mauvais mots de passe.</p>`,
          },
          {
            id: 'gestion-verifier',
            title: '6.2. Vérifier et corriger les données des utilisateurs',
            body: html`<p>Pour corriger des données, cliquez sur le nom de la personne ou sur « Actions » en bout de
ligne, puis « Modifier ».</p>
<ul>
<li><strong>Nom et prénom</strong> : il arrive que des utilisateurs les inversent ; le bouton « Inverser nom et
prénom » les échange dans le formulaire.</li>
<li><strong>Profession</strong> : elle conditionne certaines fonctionnalités de l’application.</li>
<li><strong>Email</strong> : il doit être institutionnel. Sinon, demandez à l’utilisateur de se réinscrire
conformément à l’<a href="/cgu#article-8">article 8 des CGU</a> ; le support (${support}) peut supprimer
définitivement les comptes erronés.</li>
<li><strong>Hôpital</strong> : c’est celui des sites du profil ; s’il n’est pas renseigné, ajoutez un site.</li>
<li><strong>Sites</strong> : cette information est cruciale, car elle donne accès aux fiches des patients
du site. Pour ajouter un site oublié, tapez dans le champ « Ajouter un site » son intitulé (ex :
malformations ORL rares), son abréviation (ex : MALO) ou le nom de son responsable (ex : Duflo) : les
sites correspondants s’affichent au fil de la frappe ; choisissez-en un avec les flèches et Entrée (ou
à la souris), Échap ferme la liste. Sans JavaScript, cliquez sur « Rechercher » puis sur « Ajouter ».
Pour retirer un site, cliquez sur la croix de son étiquette. Un profil garde toujours au moins un site.</li>
</ul>
<p>Toutes ces corrections forment un seul formulaire : rien n’est enregistré avant « Valider », qui
enregistre tout à la fois (ou rien, si une règle s’y oppose, par exemple le retrait du dernier site).
La page indique aussi le statut du compte et les actions possibles (activer, désactiver, renvoyer un
email) : une demande corrigée et validée s’active depuis la même page.</p>
<p>Un utilisateur inscrit dans plusieurs hôpitaux différents ne peut pas être modifié depuis l’interface
d’un seul hôpital : son nom et le bouton « Actions » sont alors désactivés.</p>`,
          },
          {
            id: 'gestion-activer',
            title: '6.3. Activer un compte utilisateur',
            body: html`<p>Seuls les comptes « En attente d’activation » peuvent être activés : cliquez sur
« Actions » en bout de ligne et sélectionnez « Activer le compte ». Le statut passe à « Actif » et un email
prévient automatiquement l’utilisateur.</p>
<p>Avant d’activer un compte, vérifiez :</p>
<ul>
<li>l’email : est-ce bien un email institutionnel ? Si c’est un email personnel (gmail, etc.), demandez à
l’utilisateur de se réinscrire avec son email professionnel ;</li>
<li>l’identité : la personne exerce-t-elle bien dans votre établissement ?</li>
<li>les sites : un utilisateur ne doit jamais être inscrit sur le « Site administrateur comptes », réservé
aux gestionnaires de comptes. Demandez-lui sur quels sites maladies rares il exerce et corrigez.</li>
</ul>`,
          },
          {
            id: 'gestion-desactiver',
            title: '6.4. Désactiver un compte utilisateur',
            body: html`<p>Lorsqu’un utilisateur quitte l’hôpital, vous devez désactiver son compte. Seuls les comptes
« Actif » peuvent être désactivés : cliquez sur « Actions » en bout de ligne et sélectionnez « Désactiver
le compte ». Le compte n’est ni supprimé ni réattribué : il pourra être réactivé si l’utilisateur revient
dans l’hôpital.</p>`,
          },
          {
            id: 'gestion-emails',
            title: '6.5. Renvoyer les emails',
            body: html`<p><strong>Confirmation de l’adresse email</strong> : pour un compte « Email non confirmé »,
sélectionnez « Renvoyer le mail de confirmation » dans « Actions ».</p>
<p><strong>Déverrouillage</strong> : pour un compte « Verrouillé » (après ${rules.maximumFailedPasswords}
mauvais mots de passe), sélectionnez « Renvoyer le mail de déverrouillage » dans « Actions ».</p>`,
          },
        ],
      },
      {
        id: 'faq',
        title: '7. Questions fréquentes',
        body: html`<h3 id="faq-connexion">L’utilisateur n’arrive pas à se connecter avec son email et son mot de passe habituels</h3>
<ul>
<li>Vérifiez que le compte est bien « Actif » dans l’interface de gestion.</li>
<li>Vérifiez que l’utilisateur utilise l’adresse email avec laquelle il s’est inscrit.</li>
<li>Vérifiez l’adresse utilisée pour accéder à l’application, qui doit être ${appBaseUrl}.</li>
<li>Si tout cela est correct, demandez à l’utilisateur de réinitialiser son mot de passe avec
« Mot de passe oublié ? » en bas du cadre.</li>
</ul>
<h3 id="faq-reinitialisation">L’utilisateur n’arrive pas à réinitialiser son mot de passe</h3>
<ul>
<li>Vérifiez qu’il utilise l’adresse email avec laquelle il s’est inscrit.</li>
<li>Vérifiez l’adresse utilisée pour accéder à l’application (${appBaseUrl}) et que le lien reçu a moins
de ${duration(rules.passwordResetTtl)}.</li>
</ul>`,
      },
      {
        id: 'en-cas-de-probleme',
        title: '8. En cas de problème',
        body: html`<p>Voici quelques bons réflexes à adopter :</p>
<ol>
<li>Essayez tout d’abord de recharger votre page, en appuyant sur F5.</li>
<li>Si cela ne résout pas votre problème, déconnectez-vous puis reconnectez-vous.</li>
<li>Si cela ne fonctionne toujours pas, faites une capture de votre écran et envoyez-la à ${support} en
détaillant au maximum ce qui ne fonctionne pas (voir <a href="/contact">Contacter le support</a>).</li>
</ol>`,
      },
    ],
  }
}
