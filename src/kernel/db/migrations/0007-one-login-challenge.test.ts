import { describe, expect, it } from 'vitest'
import { testEngine } from '../../../../test/helpers/test-app.ts'
import { migratedUpTo, useUnmigratedDatabase } from '../../../../test/helpers/migrations.ts'
import { createAccount } from '../../../../test/helpers/fixtures.ts'
import { migrateToLatest } from '../migrate.ts'

describe(`migration 0007: one pending login per account (${testEngine})`, () => {
  const fresh = useUnmigratedDatabase()

  const challenge = (accountId: string, digest: string, createdAt: number) => ({
    id_digest: digest, account_id: accountId, code_digest: 'x', created_at: createdAt, code_sent_at: createdAt,
    code_expires_at: createdAt + 60_000, wrong_codes: 0, codes_sent: 1, return_to: null,
  })

  it('keeps the newest of the challenges an account had, then refuses a second one', async () => {
    const db = fresh.db
    const siteId = await migratedUpTo(db, '0006-account-hospital')
    const twice = await createAccount(db, { email: 'deux@chu-a.fr', siteIds: [siteId] })
    const once = await createAccount(db, { email: 'un@chu-a.fr', siteIds: [siteId] })
    await db.insertInto('login_challenge').values([
      challenge(twice, 'older', 1000), challenge(twice, 'newer', 2000), challenge(once, 'only', 1000),
    ]).execute()

    await migrateToLatest(db)

    const left = await db.selectFrom('login_challenge').select(['id_digest']).orderBy('id_digest').execute()
    expect(left.map((r) => r.id_digest)).toEqual(['newer', 'only'])
    await expect(db.insertInto('login_challenge').values(challenge(twice, 'third', 3000)).execute()).rejects.toThrow()
  })
})
