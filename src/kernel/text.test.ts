/**
 * The canonical form of an address (one account per mailbox): property tests over Unicode
 * spellings of the same address, and over characters a mail system would not deliver as typed.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { canonicalEmail, normalizeEmail } from './text.ts'

/** The dots a domain may be typed with: IDNA (UTS #46) maps each to « . ». */
const domainDots = ['.', '\uFF0E', '\u3002', '\uFF61']
/** Invisible characters and look-alike dots that must never reach a local part. */
const unsafeInLocalPart = ['\u200B', '\u200C', '\u200D', '\uFEFF', '\u2060', '\u00AD', '\u0000', '\u0007', '\u001F', '\u007F', '\u2024', '\uFF0E', '\u3002', '\uFF61', '\uFE52']

const asciiLabel = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/)
const topLabel = fc.stringMatching(/^[a-z]{2,6}$/)
const localPart = fc.stringMatching(/^[a-z0-9_+-]{1,12}(?:\.[a-z0-9_+-]{1,12}){0,2}$/)
const toFullwidth = (text: string) => [...text].map((c) => /[a-z0-9]/i.test(c) ? String.fromCodePoint((c.codePointAt(0) as number) + 0xFEE0) : c).join('')

/** One domain as labels, and a way of typing each label and each dot. */
const domainSpelling = fc.tuple(fc.array(asciiLabel, { minLength: 1, maxLength: 3 }), topLabel).chain(([labels, top]) => {
  const all = [...labels, top]
  return fc.tuple(
    fc.constant(all.join('.')),
    fc.array(fc.constantFrom(...domainDots), { minLength: all.length - 1, maxLength: all.length - 1 }),
    fc.array(fc.constantFrom<'lower' | 'upper' | 'fullwidth'>('lower', 'upper', 'fullwidth'), { minLength: all.length, maxLength: all.length }),
  ).map(([ascii, dots, cases]) => {
    const typed = all.map((label, i) => cases[i] === 'upper' ? label.toUpperCase() : cases[i] === 'fullwidth' ? toFullwidth(label) : label)
    return { ascii, typed: typed.reduce((text, label, i) => `${text}${dots[i - 1] as string}${label}`) }
  })
})

describe('canonical form of an email address (one account per mailbox)', () => {
  it('gives the same key for the four spellings of one mailbox found by the review', () => {
    const keys = ['alice.dupont@ext.aphp.fr', 'alice.dupont@ext\uFF0Eaphp.fr', 'alice.dupont@ext\u3002aphp.fr', 'alice.dupont@ext\uFF61aphp.fr']
      .map((typed) => canonicalEmail(typed))
    expect(keys).toEqual(Array(4).fill({ ok: true, email: 'alice.dupont@ext.aphp.fr' }))
  })

  it('maps every spelling of a domain (fullwidth, ideographic or halfwidth dots, case) to one key', () => {
    fc.assert(fc.property(localPart, domainSpelling, fc.boolean(), (local, domain, upperLocal) => {
      const typed = `${upperLocal ? local.toUpperCase() : local}@${domain.typed}`
      expect(canonicalEmail(typed)).toEqual({ ok: true, email: `${local}@${domain.ascii}` })
    }), { numRuns: 500 })
  })

  it('writes an internationalized domain in punycode, whatever its Unicode normalization or case', () => {
    const forms = ['élodie@hôpital-nord.fr', 'élodie@HÔPITAL-NORD.FR', 'e\u0301lodie@ho\u0302pital-nord.fr', 'ÉLODIE@hôpital－nord.fr']
    expect(new Set(forms.map((typed) => JSON.stringify(canonicalEmail(typed))))).toEqual(new Set([JSON.stringify({ ok: true, email: 'élodie@xn--hpital-nord-2eb.fr' })]))
  })

  it('is idempotent: the canonical form of a canonical address is itself', () => {
    fc.assert(fc.property(fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), domainSpelling).map(([local, domain]) => `${local}@${domain.typed}`),
      fc.tuple(localPart, domainSpelling).map(([local, domain]) => `${local}@${domain.typed}`),
    ), (typed) => {
      const once = canonicalEmail(typed)
      if (!once.ok) return
      expect(canonicalEmail(once.email)).toEqual(once)
      expect(normalizeEmail(once.email)).toBe(once.email)
    }), { numRuns: 2000 })
  })

  it('refuses a local part holding a control, a zero-width character or a look-alike dot, wherever it sits', () => {
    fc.assert(fc.property(localPart, fc.constantFrom(...unsafeInLocalPart), fc.nat(), domainSpelling, (local, unsafe, at, domain) => {
      const position = at % (local.length + 1)
      const typed = `${local.slice(0, position)}${unsafe}${local.slice(position)}@${domain.typed}`
      expect(canonicalEmail(typed)).toEqual({ ok: false, problem: 'emailUnsafeCharacters' })
    }), { numRuns: 1000 })
  })

  it('refuses a local part typed with fullwidth letters rather than rewriting it', () => {
    expect(canonicalEmail('\uFF41lice@ext.aphp.fr')).toEqual({ ok: false, problem: 'emailUnsafeCharacters' })
  })

  it('keeps refusing what is not an address', () => {
    for (const typed of ['', 'alice', 'alice@', '@ext.aphp.fr', 'alice@ext', 'a..b@ext.aphp.fr', '.a@ext.aphp.fr', 'a.@ext.aphp.fr', 'a b@ext.aphp.fr',
      'alice@ext..aphp.fr', 'alice@-ext.aphp.fr', 'alice@ext.aphp.fr.', 'alice@1.2.3.4', 'alice@[1.2.3.4]', 'alice@ext%2Eaphp.fr', 'alice@xn--zz.fr',
      `${'a'.repeat(65)}@ext.aphp.fr`, `a@${'b'.repeat(250)}.fr`]) {
      expect(canonicalEmail(typed), typed).toEqual({ ok: false, problem: 'emailInvalid' })
    }
  })
})
