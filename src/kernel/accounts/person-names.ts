/**
 * A person's name (« Nom », « Prénom »): one rule wherever a name is written — registration (user
 * guide §2.1), the account manager's correction (admin guide §3.1), the CLI's super-administrator.
 * A letter first, then letters, combining accents, spaces, apostrophes, full stops and hyphens:
 * no digits, no line breaks or other control characters, no markup, so a name stays plain data
 * in every page, email and export that prints it.
 */

/** User guide §2.1: the registration form's « Nom » and « Prénom » fields hold this many characters at most. */
export const personNameMaximumLength = 100

const personNamePattern = /^\p{L}[\p{L}\p{M} '’.-]*$/u

export type PersonNameProblem = 'missing' | 'tooLong' | 'invalid'

/** What is wrong with a name, already trimmed by the caller (undefined: nothing). */
export function findPersonNameProblem (name: string): PersonNameProblem | undefined {
  if (name === '') return 'missing'
  if (name.length > personNameMaximumLength) return 'tooLong'
  if (!personNamePattern.test(name)) return 'invalid'
  return undefined
}
