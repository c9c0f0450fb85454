/**
 * Conditions générales d'utilisation (French, the reference version). Article 8 is the one the
 * admin guide (§3.3) points account managers to: a professional email, one account per person.
 */
import { html } from '../../../kernel/web/html.ts'
import type { GuideFacts } from '../information-pages.ts'
import type { DocumentContent } from './document.ts'

export function termsFr ({ appName, supportEmail }: GuideFacts): DocumentContent {
  const support = html`<a href="mailto:${supportEmail}">${supportEmail}</a>`
  return {
    title: 'Conditions générales d’utilisation',
    intro: html`<p>Les présentes conditions générales d’utilisation (CGU) encadrent l’accès au service
de gestion des comptes de ${appName}, la Banque nationale de données maladies rares, et l’usage de ce
compte. Toute inscription vaut acceptation sans réserve des présentes CGU.</p>`,
    sections: [
      {
        id: 'article-1',
        title: 'Article 1 — Objet',
        body: html`<p>${appName} recueille, pour chaque patient atteint d’une maladie rare pris en charge dans un
centre de référence, de compétence ou de ressources, un set de données minimal. Le présent service permet
aux professionnels de ces centres de demander un compte, de s’authentifier et de gérer leurs droits
d’accès aux données des sites maladies rares où ils exercent.</p>`,
      },
      {
        id: 'article-2',
        title: 'Article 2 — Définitions',
        body: html`<dl>
<dt>Utilisateur</dt><dd>Toute personne titulaire d’un compte, quel que soit son statut.</dd>
<dt>Établissement</dt><dd>L’hôpital (entité juridique identifiée par son numéro FINESS) auquel sont rattachés les sites.</dd>
<dt>Site</dt><dd>Un centre maladies rares d’un établissement ; l’accès à un site donne accès aux fiches de ses patients.</dd>
<dt>Gestionnaire de comptes</dt><dd>La personne désignée par l’établissement pour vérifier, activer, corriger et désactiver les comptes de ses utilisateurs.</dd>
<dt>Super-administrateur</dt><dd>Un membre de l’équipe nationale ${appName} chargé notamment d’activer les comptes des gestionnaires de comptes.</dd>
</dl>`,
      },
      {
        id: 'article-3',
        title: 'Article 3 — Accès au service',
        body: html`<p>Le service est réservé aux professionnels de santé et aux personnels habilités (attachés
de recherche clinique, techniciens d’études cliniques, secrétaires médicales, data managers…) exerçant
dans un site maladies rares d’un établissement participant. Un compte n’est utilisable qu’après la
confirmation de l’adresse email puis l’activation par le gestionnaire de comptes de l’établissement, qui
vérifie que la personne est en droit d’accéder aux données des sites demandés.</p>
<p>L’accès au service est gratuit. Les frais de connexion restent à la charge de l’utilisateur ou de son établissement.</p>`,
      },
      {
        id: 'article-4',
        title: 'Article 4 — Rôle des gestionnaires de comptes',
        body: html`<p>Le gestionnaire de comptes n’active un compte qu’après avoir vérifié l’identité de la
personne, son exercice dans l’établissement, le caractère professionnel de son adresse email et son droit
d’accès aux sites demandés. Il met à jour les droits d’accès lorsque la situation de l’utilisateur change,
procède à une revue de ces droits au moins une fois par an et désactive sans délai le compte d’un
utilisateur qui quitte l’établissement.</p>`,
      },
      {
        id: 'article-5',
        title: 'Article 5 — Authentification et sécurité',
        body: html`<p>L’accès au compte requiert l’adresse email, un mot de passe personnel et un code à usage
unique envoyé par email à chaque connexion. L’utilisateur choisit un mot de passe robuste, qu’il n’utilise
pour aucun autre service, ne le communique à personne — pas même au support, qui ne le demandera jamais —
et le change sans délai s’il le pense connu d’un tiers. Après plusieurs mots de passe erronés, le compte
est verrouillé et un lien de déverrouillage est envoyé à son titulaire. La session se ferme
automatiquement après une période d’inactivité ; l’utilisateur se déconnecte lorsqu’il quitte son poste.</p>`,
      },
      {
        id: 'article-6',
        title: 'Article 6 — Confidentialité et secret professionnel',
        body: html`<p>Les données accessibles par l’intermédiaire du compte sont des données de santé à
caractère personnel couvertes par le secret professionnel (article L.1110-4 du code de la santé
publique). L’utilisateur s’engage à n’y accéder que pour les besoins de la prise en charge des patients
et des missions de son centre, à n’en faire aucune copie ni extraction en dehors de ces finalités et à
ne les communiquer qu’aux personnes autorisées à en connaître.</p>`,
      },
      {
        id: 'article-7',
        title: 'Article 7 — Engagements de l’utilisateur',
        body: html`<p>L’utilisateur fournit lors de son inscription des informations exactes (civilité, nom,
prénom, profession, sites) et les tient à jour. Il signale sans délai au support (${support}) toute
utilisation anormale de son compte, tout email de connexion qu’il n’a pas demandé et toute faille de
sécurité dont il aurait connaissance.</p>`,
      },
      {
        id: 'article-8',
        title: 'Article 8 — Adresse email professionnelle et compte personnel',
        body: html`<p>L’inscription se fait obligatoirement avec l’adresse email professionnelle
(institutionnelle) de l’utilisateur, délivrée par son établissement. Les adresses de messageries
personnelles (Gmail, Yahoo, Orange, etc.) ne sont pas acceptées : une demande faite avec une telle
adresse est refusée et l’utilisateur est invité à se réinscrire avec son adresse professionnelle.
Cette adresse sert d’identifiant de connexion.</p>
<p>Chaque compte est strictement personnel et nominatif. <strong>Il est strictement interdit de partager
un même compte entre plusieurs personnes.</strong> Une adresse générique ou partagée (secrétariat,
service…) ne peut pas servir à ouvrir un compte. Toute action effectuée avec un compte est réputée
l’avoir été par son titulaire.</p>`,
      },
      {
        id: 'article-9',
        title: 'Article 9 — Traçabilité des accès',
        body: html`<p>Les connexions et les actions effectuées sur les comptes (inscription, connexion,
échec d’authentification, activation, désactivation, modification des droits d’accès…) sont
enregistrées avec leur date, leur heure, l’adresse IP et l’identité de leur auteur. Ces traces servent à
la sécurité du service, au contrôle des accès et aux audits ; elles peuvent être communiquées à
l’établissement de l’utilisateur et aux autorités habilitées.</p>`,
      },
      {
        id: 'article-10',
        title: 'Article 10 — Désactivation du compte',
        body: html`<p>Lorsqu’un utilisateur quitte son établissement ou n’exerce plus dans les sites auxquels
il a accès, son compte est désactivé par le gestionnaire de comptes ; l’utilisateur l’en informe avant
son départ. Un compte désactivé n’est ni supprimé ni réattribué : il peut être réactivé si l’utilisateur
revient dans l’établissement. Le compte peut aussi être suspendu sans préavis en cas de manquement aux
présentes CGU ou de risque pour la sécurité des données.</p>`,
      },
      {
        id: 'article-11',
        title: 'Article 11 — Protection des données personnelles des utilisateurs',
        body: html`<p>Les données des utilisateurs (identité, profession, adresse email, établissements et
sites, traces de connexion) sont traitées pour gérer les comptes et sécuriser l’accès à ${appName}, sur
le fondement de la mission d’intérêt public confiée à la Banque nationale de données maladies rares
(article 6.1.e du règlement général sur la protection des données, RGPD). Elles sont accessibles aux
seuls gestionnaires de comptes des établissements concernés et à l’équipe nationale, et conservées
pendant la durée d’utilisation du compte puis pendant la durée nécessaire aux audits.</p>
<p>Conformément aux articles 15 à 21 du RGPD et à la loi « Informatique et libertés », chaque utilisateur
dispose d’un droit d’accès, de rectification, d’effacement, de limitation et d’opposition au
traitement de ses données. Ces droits s’exercent auprès du support (${support}), qui transmet au délégué
à la protection des données. L’utilisateur peut introduire une réclamation auprès de la Commission
nationale de l’informatique et des libertés (CNIL).</p>`,
      },
      {
        id: 'article-12',
        title: 'Article 12 — Disponibilité et responsabilité',
        body: html`<p>L’équipe ${appName} s’efforce d’assurer l’accès au service en continu, sans obligation de
résultat ; le service peut être interrompu pour maintenance. L’utilisateur est responsable de l’usage
fait de son compte et de la confidentialité de ses moyens d’authentification.</p>`,
      },
      {
        id: 'article-13',
        title: 'Article 13 — Évolution des CGU et droit applicable',
        body: html`<p>Les présentes CGU peuvent évoluer ; la version en vigueur est accessible depuis chaque
page du service. Elles sont soumises au droit français.</p>`,
      },
    ],
  }
}
