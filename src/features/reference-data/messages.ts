/**
 * Words of the reference data: site kinds, the import's error messages (French: the import is
 * run by a super-administrator from the command line) and the site search's JSON errors.
 */
import { countOf, plural } from '../../kernel/web/messages.ts'
import type { SiteKind } from '../../kernel/db/schema.ts'

const fr = {
  siteKinds: {
    crmrCoordinating: 'Centre de référence (CRMR) – site coordonnateur',
    crmrConstituent: 'Centre de référence (CRMR) – site constitutif',
    ccmr: 'Centre de compétence (CCMR)',
    crc: 'Centre de ressources et de compétences (CRC)',
    other: 'Autre',
    accountAdministration: 'Site administrateur comptes',
  } satisfies Record<SiteKind, string>,
  badSearch: 'Paramètres de recherche invalides : « hopital » (identifiant de l’établissement) est obligatoire, « q » fait au plus 100 caractères.',
  unknownHospital: 'Établissement inconnu.',
}

const en: typeof fr = {
  siteKinds: {
    crmrCoordinating: 'Reference centre (CRMR) – coordinating site',
    crmrConstituent: 'Reference centre (CRMR) – constituent site',
    ccmr: 'Competence centre (CCMR)',
    crc: 'Resource and competence centre (CRC)',
    other: 'Other',
    accountAdministration: 'Account administration site',
  },
  badSearch: 'Invalid search parameters: “hopital” (the hospital id) is required, “q” is at most 100 characters.',
  unknownHospital: 'Unknown hospital.',
}

export const messages = { fr, en }

/** The import's messages, by line of the CSV file. French only (command-line tool). */
export const importMessages = {
  malformed: {
    unclosedQuote: 'guillemet ouvrant sans guillemet fermant',
    strayQuote: 'guillemet mal placé (un champ contenant un guillemet doit être entre guillemets, le guillemet doublé)',
    empty: 'le fichier est vide (une ligne d’en-tête est attendue)',
  },
  missingColumns: (columns: string[]) => `${plural('fr', columns.length, 'colonne manquante', 'colonnes manquantes')} dans l’en-tête : ${columns.join(', ')}`,
  fieldCount: (expected: number, got: number) => `${countOf('fr', got, 'champ', 'champs')} au lieu de ${expected}`,
  required: (column: string) => `la colonne « ${column} » est vide`,
  tooLong: (column: string, max: number) => `la colonne « ${column} » dépasse ${max} caractères`,
  finess: {
    length: (value: string) => `numéro FINESS « ${value} » invalide : 9 caractères attendus`,
    departement: (value: string) => `numéro FINESS « ${value} » invalide : les deux premiers caractères doivent être un département (01 à 95, 2A, 2B, 97, 98)`,
    characters: (value: string) => `numéro FINESS « ${value} » invalide : les 7 derniers caractères doivent être des chiffres`,
    key: (value: string) => `numéro FINESS « ${value} » invalide : clé de contrôle incorrecte (faute de frappe ?)`,
  },
  badDomain: (value: string) => `domaine email « ${value} » invalide (exemple attendu : chu-exemple.fr)`,
  badKind: (value: string) => `type de site « ${value} » inconnu (attendu : crmr-coordonnateur, crmr-constitutif, ccmr, crc ou autre)`,
  reservedTitle: 'l’intitulé « Site administrateur comptes » est réservé : ce site est créé avec l’établissement',
  duplicate: (firstLine: number) => `doublon de la ligne ${firstLine}`,
  unknownHospital: (finess: string) => `aucun établissement n’a le numéro FINESS ${finess} (importez d’abord les établissements)`,
  line: (line: number, message: string) => `ligne ${line} : ${message}`,
}
