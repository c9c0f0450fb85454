import { describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { testEngine } from '../../../../test/helpers/test-app.ts'
import { useUnmigratedDatabase } from '../../../../test/helpers/migrations.ts'
import { migrateTo, migrateToLatest } from '../migrate.ts'

describe(`migration 0011: hospitals and sites in French order (${testEngine})`, () => {
  const fresh = useUnmigratedDatabase()

  it('gives the rows written before it their key, and both engines then sort them the same French way', async () => {
    const db = fresh.db
    await migrateTo(db, '0007-one-login-challenge')
    const hospitals = ['CHR Metz-Thionville', 'CHR d’Orléans', 'chu de Brest', 'Centre hospitalier de Cayenne']
    for (const [i, name] of hospitals.entries()) {
      await sql`insert into hospital (id, name, finess, city) values (${`h${i}`}, ${name}, ${`75071218${i}`}, 'Ville')`.execute(db)
    }
    const titles = ['Dystrophies', 'Déficiences', 'CRéER', 'Centre de référence', 'ataxies', 'Anomalies']
    for (const [i, title] of titles.entries()) {
      await sql`insert into site (id, hospital_id, title, kind, search_text) values (${`s${i}`}, 'h0', ${title}, 'other', ${title.toLowerCase()})`.execute(db)
    }

    await migrateToLatest(db)

    const hospitalOrder = await db.selectFrom('hospital').select('name').orderBy('sort_key').orderBy('id').execute()
    expect(hospitalOrder.map((h) => h.name)).toEqual(['Centre hospitalier de Cayenne', 'CHR d’Orléans', 'CHR Metz-Thionville', 'chu de Brest'])
    const siteOrder = await db.selectFrom('site').select(['title', 'sort_key']).orderBy('sort_key').orderBy('id').execute()
    expect(siteOrder.map((s) => s.title)).toEqual(['Anomalies', 'ataxies', 'Centre de référence', 'CRéER', 'Déficiences', 'Dystrophies'])
    expect(siteOrder.find((s) => s.title === 'CRéER')?.sort_key).toBe('creer')
  })
})
