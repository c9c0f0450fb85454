import { describe, expect, it } from 'vitest'
import { buildTestApp, createTestDatabase, testEngine } from '../test/helpers/test-app.ts'
import { verifyPassword } from './kernel/security/passwords.ts'

describe(`start-up: the bootstrap super-administrator (${testEngine})`, () => {
  it('is created even when the demo data holds an account with the same address', async () => {
    const password = 'Déploiement-Sûr-2026!'
    const t = await buildTestApp({ env: { DEMO_DATA: 'true', BOOTSTRAP_SUPERADMIN_EMAIL: ' Demo.Admin@aphp.fr', BOOTSTRAP_SUPERADMIN_PASSWORD: password } })
    try {
      const account = await t.db.selectFrom('account').select(['is_superadmin', 'password_hash', 'activated_at', 'email_confirmed_at'])
        .where('email', '=', 'demo.admin@aphp.fr').executeTakeFirstOrThrow()
      expect(account.is_superadmin).toBe(1)
      expect(account.activated_at).not.toBeNull()
      expect(account.email_confirmed_at).not.toBeNull()
      expect(await verifyPassword(account.password_hash, password)).toBe(true)
      // The rest of the demo data is there.
      const hospitals = await t.db.selectFrom('hospital').select('id').execute()
      expect(hospitals.length).toBeGreaterThan(20)
    } finally {
      await t.close()
    }
  })

  it('is created once: a restart with another password changes nothing', async () => {
    const database = await createTestDatabase()
    const env = { BOOTSTRAP_SUPERADMIN_EMAIL: 'admin@bndmr.fr', BOOTSTRAP_SUPERADMIN_PASSWORD: 'Déploiement-Sûr-2026!' }
    try {
      const first = await buildTestApp({ database, env })
      await first.close()
      const second = await buildTestApp({ database, env: { ...env, BOOTSTRAP_SUPERADMIN_PASSWORD: 'Autre-Mot-De-Passe-99!' } })
      const rows = await second.db.selectFrom('account').select(['password_hash']).where('email', '=', 'admin@bndmr.fr').execute()
      await second.close()
      expect(rows).toHaveLength(1)
      expect(await verifyPassword(rows[0]?.password_hash as string, 'Déploiement-Sûr-2026!')).toBe(true)
    } finally {
      await database.drop()
    }
  })
})
