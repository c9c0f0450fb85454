import { describe, expect, it } from 'vitest'
import { testEngine } from '../../../../test/helpers/test-app.ts'
import { migratedUpTo, useUnmigratedDatabase } from '../../../../test/helpers/migrations.ts'
import { createAccount } from '../../../../test/helpers/fixtures.ts'
import { migrateTo, migrateToLatest } from '../migrate.ts'

describe(`migration 0009: who asked an email change (${testEngine})`, () => {
  const fresh = useUnmigratedDatabase()

  it('keeps the links written before it, with no requester, and goes back down', async () => {
    const db = fresh.db
    const siteId = await migratedUpTo(db, '0007-one-login-challenge')
    const accountId = await createAccount(db, { email: 'avant@chu-a.fr', siteIds: [siteId] })
    const link = { account_id: accountId, purpose: 'emailChange' as const, created_at: 1000, expires_at: 2000, used_at: null, payload: 'apres@chu-a.fr' }
    await db.insertInto('account_token').values({ digest: 'before', ...link }).execute()

    await migrateToLatest(db)

    expect(await db.selectFrom('account_token').select(['digest', 'payload', 'requested_by']).execute())
      .toEqual([{ digest: 'before', payload: 'apres@chu-a.fr', requested_by: null }])
    await db.insertInto('account_token').values({ digest: 'after', ...link, requested_by: accountId }).execute()
    expect((await db.selectFrom('account_token').select('requested_by').where('digest', '=', 'after').executeTakeFirstOrThrow()).requested_by).toBe(accountId)

    await migrateTo(db, '0007-one-login-challenge')
    expect(await db.selectFrom('account_token').select(['digest', 'payload']).orderBy('digest').execute())
      .toEqual([{ digest: 'after', payload: 'apres@chu-a.fr' }, { digest: 'before', payload: 'apres@chu-a.fr' }])
  })
})
