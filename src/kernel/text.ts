/**
 * Text normalization shared by storage and search. SQLite folds case for ASCII only, so
 * case- and accent-insensitive search runs on columns normalized here, the same on both engines.
 */

/** The identity key of an account: trimmed, lower-cased (user guide: the email is the login). */
export function normalizeEmail (email: string): string {
  return email.trim().toLowerCase()
}

/** Lower-case, without accents or ligatures, spaces collapsed: « Lévêque Œdipe » → « leveque oedipe ». */
export function foldForSearch (text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/œ/gi, 'oe').replace(/æ/gi, 'ae').replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
}

/** The domain part of an (already normalized) email address. */
export function emailDomain (email: string): string {
  return email.slice(email.lastIndexOf('@') + 1)
}

/** Escapes LIKE wildcards so a search term is matched literally (used with ESCAPE '\\'). */
export function escapeLike (term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`)
}
