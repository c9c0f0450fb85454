import { describe, expect, it } from 'vitest'
import { isEditableBy } from './hospital-scope.ts'
import { type Manager } from '../../kernel/accounts/managed-accounts.ts'

describe('users registered in several hospitals (admin guide §3.4.3)', () => {
  const managerOfBoth = { id: 'm', isSuperadmin: false, hospitalIds: ['A', 'B'] } as unknown as Manager
  const superadmin = { id: 's', isSuperadmin: true, hospitalIds: [] } as unknown as Manager

  it('are read-only for an account manager, even one who manages every hospital of the user', () => {
    expect(isEditableBy(managerOfBoth, ['A'])).toBe(true)
    expect(isEditableBy(managerOfBoth, ['A', 'B'])).toBe(false)
    expect(isEditableBy(managerOfBoth, ['C'])).toBe(false)
  })

  it('are editable by a super-administrator', () => {
    expect(isEditableBy(superadmin, ['A', 'B'])).toBe(true)
  })
})
