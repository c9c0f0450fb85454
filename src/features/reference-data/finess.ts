/**
 * FINESS numbers (Fichier national des établissements sanitaires et sociaux): 9 characters,
 * the first two the département (2A/2B for Corsica, 97/98 overseas), the last a check key
 * (the Luhn algorithm over the nine digits; every number of the public FINESS extract in
 * `seed/hospitals.csv` satisfies it). Corsican numbers carry letters: their key is not checked.
 */

export type FinessProblem = 'length' | 'departement' | 'characters' | 'key'

/** Undefined when the number is acceptable; else what is wrong with it. */
export function findFinessProblem (finess: string): FinessProblem | undefined {
  if (finess.length !== 9) return 'length'
  const departement = finess.slice(0, 2)
  if (!/^(0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-578])$/.test(departement)) return 'departement'
  if (!/^\d{7}$/.test(finess.slice(2))) return 'characters'
  if (/^\d{9}$/.test(finess) && !hasValidLuhnKey(finess)) return 'key'
  return undefined
}

function hasValidLuhnKey (digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
  }
  return sum % 10 === 0
}
