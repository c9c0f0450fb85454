import { describe, expect, it } from 'vitest'
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.ts'
import { defaultRules } from '../../config.ts'
import { digestOneTimeCode, issueOneTimeCode, issueToken } from './tokens.ts'

const check = (password: string, personal: string[] = []) => checkPasswordPolicy(password, defaultRules, personal)

describe('password policy (user guide §2.1, ASVS 6.2)', () => {
  it('names each composition rule a password breaks', () => {
    expect(check('abc')).toEqual(expect.arrayContaining(['tooShort', 'uppercase', 'digit', 'special']))
    expect(check('ABCDEFG1!')).toEqual(['lowercase'])
  })

  it('counts length in code points: 7 refused, 8 accepted', () => {
    expect(check('Zq7!éxw')).toContain('tooShort')
    expect(check('Zq7!éxwv')).toEqual([])
  })

  it('accepts long passphrases and bounds the length', () => {
    expect(check('Correct horse battery staple 7!')).toEqual([])
    expect(check(`${'Lune-Verte-9 '.repeat(5)}abcdefghijk`.slice(0, 64))).toEqual([])
    expect(check(`A1!${'x'.repeat(300)}`)).toEqual(['tooLong'])
  })

  it('refuses common passwords dressed up to pass the rules, and context words', () => {
    expect(check('Password1234!')).toContain('common')
    expect(check('Azerty123!')).toContain('common')
    expect(check('Bamara-2026!x')).toEqual(['applicationWord'])
  })

  it("refuses the user's own names and email", () => {
    expect(check('Lévêque-Zq7!', ['Lévêque', 'Claire', 'claire.leveque'])).toContain('personal')
    expect(check('Tourmaline-Zq7!', ['Lévêque', 'Claire'])).toEqual([])
  })
})

describe('password policy: each refusal gives its true reason, context words are distinctive (ASVS 6.2.11)', () => {
  const amiens = ['Claire', 'Dupont', 'claire.dupont', 'CHU Amiens-Picardie']
  const cases: Array<{ password: string; context: string[]; broken: string[] }> = [
    // « chu » is every CHU's: it is not the hospital's name.
    { password: 'Parachute-7x!', context: amiens, broken: [] },
    // BaMaRa is a word tied to the service, not a common password.
    { password: 'Velo&Bamara9', context: amiens, broken: ['applicationWord'] },
    { password: 'MaladiesRares#2026', context: amiens, broken: ['applicationWord'] },
    { password: 'Orphanet-Lune-7', context: amiens, broken: ['applicationWord'] },
    { password: 'Password1234!', context: amiens, broken: ['common'] },
    { password: 'Azerty123!', context: amiens, broken: ['common'] },
    // The distinctive words of the hospital's name, the user's names and email are refused.
    { password: 'Amiens-Velo-7x!', context: amiens, broken: ['personal'] },
    { password: 'picardie-Velo-7X', context: amiens, broken: ['personal'] },
    { password: 'Velo-Dupont-7x!', context: amiens, broken: ['personal'] },
    { password: 'Lévêque-Zq7!', context: ['Lévêque', 'Claire', 'claire.leveque'], broken: ['personal'] },
    // Generic words of hospital names are nobody's: CHR, CHRU, hôpital, centre, AP-HP's parts.
    { password: 'Chronique-Velo7!', context: ['Anne', 'Martin', 'anne.martin', 'CHR d’Orléans'], broken: [] },
    { password: 'Chrustace-Velo7!', context: ['Anne', 'Martin', 'anne.martin', 'CHRU de Tours'], broken: [] },
    { password: 'Hopital-Lune-7x!', context: ['Anne', 'Martin', 'anne.martin', 'Hôpitaux Universitaires de Strasbourg', 'Hôpital Nord'], broken: [] },
    { password: 'Centre-Lune-7x!', context: ['Anne', 'Martin', 'anne.martin', 'Centre hospitalier régional'], broken: [] },
    { password: 'Aphp-Lune-7x!', context: ['Anne', 'Martin', 'anne.martin', 'AP-HP'], broken: [] },
    // Words under four letters are too short to be distinctive (« Eva » is in « Evasion »).
    { password: 'Evasion-Lune-7x!', context: ['Eva', 'Roy', 'eva.roy', 'CHU de Nice'], broken: [] },
    { password: 'Nice-Lune-7x!', context: ['Eva', 'Roy', 'eva.roy', 'CHU de Nice'], broken: ['personal'] },
    // Several reasons at once, each named.
    { password: 'bamara-dupont', context: amiens, broken: ['uppercase', 'digit', 'applicationWord', 'personal'] },
  ]
  it.each(cases)('$password → $broken', ({ password, context, broken }) => {
    expect(check(password, context)).toEqual(broken)
  })
})

describe('password hashing', () => {
  it('stores argon2id with the OWASP parameters and neither truncates nor folds case', async () => {
    const password = 'Orchidée-Bleue-42!'
    const stored = await hashPassword(password)
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(await verifyPassword(stored, password)).toBe(true)
    expect(await verifyPassword(stored, `${password}x`)).toBe(false)
    expect(await verifyPassword(stored, password.toUpperCase())).toBe(false)
    expect(await verifyPassword('not a hash', password)).toBe(false)
  })
})

describe('tokens and codes', () => {
  it('issues 256-bit URL-safe tokens and 8-digit codes', () => {
    const { token, digest } = issueToken()
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(digest).not.toContain(token)
    const codes = Array.from({ length: 2000 }, issueOneTimeCode)
    expect(codes.every((c) => /^\d{8}$/.test(c))).toBe(true)
    expect(new Set(codes).size).toBeGreaterThan(1990)
  })

  it('spreads code digits uniformly (chi-square, 9 degrees of freedom)', () => {
    const counts = new Array(10).fill(0)
    for (let i = 0; i < 2000; i++) for (const d of issueOneTimeCode()) counts[Number(d)]++
    const expected = 16000 / 10
    const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0)
    expect(chiSquare).toBeLessThan(27.88) // p = 0.001
  })

  it('salts code digests with their challenge', () => {
    expect(digestOneTimeCode('a', '12345678')).not.toBe(digestOneTimeCode('b', '12345678'))
  })
})
