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

/**
 * An address worth sending to: one @, a dotted domain, no spaces or control characters, within
 * RFC 5321's lengths (64 for the local part, 254 in all). Deliverability is proven by the link.
 */
export function isWellFormedEmail (email: string): boolean {
  const trimmed = email.trim()
  const at = trimmed.lastIndexOf('@')
  if (trimmed.length > 254 || at < 1 || at > 64) return false
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  return /^[^\s@\u0000-\u001f\u007f<>(),;:"[\]\\]+@[^\s@\u0000-\u001f\u007f<>(),;:"[\]\\]+\.[^\s@\u0000-\u001f\u007f<>(),;:"[\]\\.]{2,}$/u.test(trimmed) &&
    !/\.\.|^\.|\.@|@\.|@-/.test(trimmed)
}
