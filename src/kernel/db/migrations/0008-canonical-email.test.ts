import { describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, TestClock } from '../../../../test/helpers/test-app.ts'
import { migratedUpTo, useUnmigratedDatabase } from '../../../../test/helpers/migrations.ts'
import { TestBrowser } from '../../../../test/helpers/browser.ts'
import { signIn } from '../../../../test/helpers/session.ts'
import { createAccount } from '../../../../test/helpers/fixtures.ts'
import { exitCodes, runCli } from '../../../cli.ts'
import { listUnsettledEmailCollisions } from '../../accounts/email-collisions.ts'

describe(`migration 0008: account addresses in their canonical form (${testEngine})`, () => {
  const fresh = useUnmigratedDatabase()
  const out: string[] = []
  const err: string[] = []
  const clock = new TestClock()
  const runMigrate = () => runCli(['migrate'], {
    env: { NODE_ENV: 'test', DEMO_DATA: 'false', ...fresh.database.env }, out: (l) => out.push(l), err: (l) => err.push(l),
    readPassword: async () => undefined, now: clock.now,
  })

  it('rewrites lone variants, leaves colliding and refused addresses unchanged and lists them, never merging', async () => {
    const db = fresh.db
    const siteId = await migratedUpTo(db, '0007-one-login-challenge')
    // Addresses as the trimmed, lower-cased key of before stored them.
    const stored = {
      alice: 'alice.dupont@ext.aphp.fr', aliceFullwidth: 'alice.dupont@ext\uFF0Eaphp.fr', aliceIdeographic: 'alice.dupont@ext\u3002aphp.fr',
      bobFullwidth: 'bob@ext\uFF0Eaphp.fr', bobHalfwidth: 'bob@ext\uFF61aphp.fr',
      chloe: 'chloe@ext\u3002aphp.fr', eve: 'eve\u200B@ext.aphp.fr', denis: 'denis@chu-a.fr',
    }
    const ids: Record<string, string> = {}
    for (const [key, email] of Object.entries(stored)) {
      ids[key] = await createAccount(db, { email: `${key.toLowerCase()}@placeholder.fr`, siteIds: [siteId], lastName: 'Martin', firstName: key })
      await db.updateTable('account').set({ email, search_text: `martin ${key.toLowerCase()} ${email}` }).where('id', '=', ids[key] as string).execute()
    }
    const token = (digest: string, payload: string) => ({
      digest, account_id: ids.denis as string, purpose: 'emailChange' as const, created_at: 1, expires_at: 9e12, used_at: null, payload,
    })
    await db.insertInto('account_token').values([token('variant', 'nouvelle@ext\uFF61aphp.fr'), token('unsafe', 'nou\u200Dvelle@ext.aphp.fr')]).execute()

    expect(await runMigrate()).toBe(exitCodes.ok)
    expect(err).toEqual([])

    const emails = Object.fromEntries((await db.selectFrom('account').select(['id', 'email']).execute()).map((r) => [r.id, r.email]))
    expect(Object.fromEntries(Object.entries(ids).map(([key, id]) => [key, emails[id]]))).toEqual({ ...stored, chloe: 'chloe@ext.aphp.fr' })
    const chloe = await db.selectFrom('account_hospital').select('search_text').where('account_id', '=', ids.chloe as string).executeTakeFirstOrThrow()
    expect(chloe.search_text).toBe('martin chloe chloe@ext.aphp.fr')
    const unsettled = await listUnsettledEmailCollisions(db)
    expect(unsettled.map((r) => [r.storedEmail, r.canonicalEmail, r.problem]).sort()).toEqual([
      [stored.alice, 'alice.dupont@ext.aphp.fr', 'collision'], [stored.aliceFullwidth, 'alice.dupont@ext.aphp.fr', 'collision'],
      [stored.aliceIdeographic, 'alice.dupont@ext.aphp.fr', 'collision'], [stored.bobFullwidth, 'bob@ext.aphp.fr', 'collision'],
      [stored.bobHalfwidth, 'bob@ext.aphp.fr', 'collision'], [stored.eve, null, 'refused'],
    ].sort())
    const listed = out.join('\n')
    expect(listed).toContain('Adresses à régler (migration 0008, laissées telles quelles) : 6 comptes.')
    expect(listed).toContain(`${stored.aliceIdeographic} (compte ${ids.aliceIdeographic}) : même adresse canonique alice.dupont@ext.aphp.fr qu’un autre compte`)
    expect(listed).toContain(`${stored.eve} (compte ${ids.eve}) : caractères refusés`)

    const tokens = await db.selectFrom('account_token').select(['digest', 'payload', 'used_at']).orderBy('digest').execute()
    expect(tokens.map((r) => [r.digest, r.payload, r.used_at === null])).toEqual([
      ['unsafe', 'nou\u200Dvelle@ext.aphp.fr', false], ['variant', 'nouvelle@ext.aphp.fr', true],
    ])

    // Settled by an operator (one duplicate's address changed, others deleted): no longer listed.
    await db.updateTable('account').set({ email: 'bob.ancien@chu-a.fr' }).where('id', '=', ids.bobHalfwidth as string).execute()
    await db.deleteFrom('account').where('id', '=', ids.eve as string).execute()
    const t = await buildTestApp({ database: fresh.database })
    try {
      const superadmin = await createAccount(t.db, { email: 'racine@chu-a.fr', siteIds: [], isSuperadmin: true })
      const browser = new TestBrowser(t.app)
      await signIn(t, browser, superadmin)
      // The deletion is confirmed by typing the address as the console shows it, not yet canonical.
      const deleted = await browser.post(`/gestion/comptes/${ids.aliceFullwidth as string}/supprimer`, { confirmation: stored.aliceFullwidth })
      expect(deleted.statusCode).toBe(303)
    } finally {
      await t.close()
    }
    expect((await listUnsettledEmailCollisions(db)).map((r) => r.storedEmail).sort()).toEqual([stored.alice, stored.aliceIdeographic, stored.bobFullwidth].sort())
  })
})
