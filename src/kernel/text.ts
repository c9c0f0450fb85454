/**
 * Text normalization shared by storage and search. SQLite folds case for ASCII only, so
 * case- and accent-insensitive search runs on columns normalized here, the same on both engines.
 */

import { domainToASCII } from 'node:url'

/**
 * Why an address is refused: `emailInvalid` (not an address) or `emailUnsafeCharacters` (it holds
 * characters a mail system would not deliver as typed: controls, invisible characters, a dot
 * look-alike or another compatibility character). Each is the key of a message in the catalogues.
 */
export type EmailProblem = 'emailInvalid' | 'emailUnsafeCharacters'

export type CanonicalEmail = { ok: true; email: string } | { ok: false; problem: EmailProblem }

/** White space around a pasted address is dropped; U+FEFF is not white space here: it is refused. */
const isSurroundingSpace = (c: string | undefined) => c !== undefined && c !== '\uFEFF' && /\s/.test(c)

function trimSpaces (text: string): string {
  let start = 0
  let end = text.length
  while (start < end && isSurroundingSpace(text[start])) start++
  while (end > start && isSurroundingSpace(text[end - 1])) end--
  return text.slice(start, end)
}

/**
 * In a local part: controls, format characters (zero-width U+200B–U+200D, U+2060, U+FEFF, soft
 * hyphen…), surrogates, private use, unassigned, separators, and the look-alikes of « . » that
 * NFKC leaves alone (U+3002 ideographic full stop, U+0701/U+0702 Syriac, U+06D4 Arabic, U+A4F8,
 * U+A60E, U+2027, U+0660/U+06F0 Arabic-Indic zeros). Fullwidth and other compatibility forms
 * (U+FF0E, U+FF61, U+2024, U+FE52, ｆｕｌｌ letters, ligatures) are caught by the NFKC test.
 */
const unsafeInLocalPart = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Z}\u3002\u0701\u0702\u06D4\uA4F8\uA60E\u2027\u0660\u06F0]/u
/** RFC 5322 specials and the ordinary space: not an address (other spaces are unsafe characters). */
const asciiSpecials = /[ \t@<>(),;:"[\]\\]/
/** After IDNA: LDH labels of at most 63 characters, a top-level label of letters or punycode. */
const asciiDomain = /^(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/

/**
 * The one canonical form of an address, the identity key of an account everywhere (registration,
 * login, reset, uniqueness, per-address limits, audit). Several spellings of one mailbox must give
 * one key, or one mailbox holds several accounts and multiplies every per-address limit:
 * - domain: NFKC, then IDNA (UTS #46, WHATWG `domainToASCII`) to ASCII punycode, lower case —
 *   « ext．aphp.fr » (U+FF0E), « ext。aphp.fr » (U+3002), « ext｡aphp.fr » (U+FF61), « EXT.aphp.fr »
 *   all give « ext.aphp.fr »;
 * - local part: NFC, lower case, and refused (not rewritten) when it holds characters a mail
 *   system would not deliver as typed: there is no safe way to guess which mailbox was meant.
 * Lengths follow RFC 5321 (64 for the local part, 254 in all). Deliverability is proven by the link.
 */
export function canonicalEmail (input: string): CanonicalEmail {
  const trimmed = trimSpaces(input)
  const at = trimmed.lastIndexOf('@')
  if (at < 1 || at === trimmed.length - 1) return { ok: false, problem: 'emailInvalid' }
  const local = canonicalLocalPart(trimmed.slice(0, at))
  if (!local.ok) return local
  const domain = canonicalDomain(trimmed.slice(at + 1))
  if (domain === undefined) return { ok: false, problem: 'emailInvalid' }
  const email = `${local.email}@${domain}`
  return email.length > 254 ? { ok: false, problem: 'emailInvalid' } : { ok: true, email }
}

function canonicalLocalPart (typed: string): CanonicalEmail {
  const local = typed.normalize('NFC').toLowerCase().normalize('NFC')
  if (asciiSpecials.test(local)) return { ok: false, problem: 'emailInvalid' }
  if (unsafeInLocalPart.test(local) || local.normalize('NFKC') !== local) return { ok: false, problem: 'emailUnsafeCharacters' }
  if (local.length > 64 || /^\.|\.\.|\.$/.test(local)) return { ok: false, problem: 'emailInvalid' }
  return { ok: true, email: local }
}

/**
 * A domain in its canonical ASCII form (NFKC, IDNA to punycode, lower case), or undefined when it
 * is not a mail domain. `%` and brackets are refused first: the WHATWG host parser would decode
 * percent escapes and accept IP literals, neither of which belongs in these addresses.
 */
export function canonicalDomain (typed: string): string | undefined {
  const domain = typed.normalize('NFKC')
  if (/[%[\]]/.test(domain) || asciiSpecials.test(domain)) return undefined
  const ascii = domainToASCII(domain).toLowerCase()
  return ascii.length <= 253 && asciiDomain.test(ascii) ? ascii : undefined
}

/**
 * The lookup key of a typed address: its canonical form, or, for an address the canonical form
 * refuses, the trimmed lower-cased text (it matches no account created since the canonical form,
 * and still finds a row the migration to it had to leave as it was).
 */
export function normalizeEmail (email: string): string {
  const canonical = canonicalEmail(email)
  return canonical.ok ? canonical.email : email.trim().toLowerCase()
}

/**
 * What the audit filter matches on: a whole address in its canonical form, a fragment with the
 * same folding of its domain-side characters (NFKC, ideographic full stop as « . », lower case).
 */
export function emailSearchTerm (term: string): string {
  const canonical = canonicalEmail(term)
  return canonical.ok ? canonical.email : term.trim().normalize('NFKC').replace(/[\u3002]/g, '.').toLowerCase()
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

/** An address worth sending to: one the canonical form accepts (see `canonicalEmail`). */
export function isWellFormedEmail (email: string): boolean {
  return canonicalEmail(email).ok
}
