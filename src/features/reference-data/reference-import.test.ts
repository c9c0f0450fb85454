import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { importReferenceData, hospitalEmailDomains, listSitesOfHospital } from './index.ts'
import { parseCsv } from './csv.ts'
import { findFinessProblem } from './finess.ts'

const hospitalsCsv = [
  'finess,name,city,email_domains',
  '750712184,AP-HP,Paris,aphp.fr',
  '690781810,HCL,Lyon,"chu-lyon.fr; hcl.fr"',
  '2A0000013,CH d’Ajaccio,Ajaccio,ch-ajaccio.fr',
].join('\r\n') + '\r\n'

const sitesCsv = [
  'hospital_finess;title;abbreviation;lead_name;kind;filiere',
  '750712184;Malformations ORL rares;MALO;Hélène Lévêque;crmr-coordonnateur;TETECOU',
  '750712184;"Maladies rares de l\'os, du calcium et du cartilage";;"Marc ""Doc"" Perrin";ccmr;OSCAR',
  '690781810;Mucoviscidose;;Anne Roche;CRC;MUCO-CFTR',
  '690781810;"Titre sur',
  'deux lignes";;;autre;',
].join('\n')

describe(`CSV import of reference data (${testEngine})`, () => {
  let t: TestApp
  beforeAll(async () => { t = await buildTestApp() })
  afterAll(async () => { await t.close() })

  const count = async (table: 'hospital' | 'site' | 'hospital_email_domain') =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  const hospitalId = async (finess: string) =>
    (await t.db.selectFrom('hospital').select('id').where('finess', '=', finess).executeTakeFirstOrThrow()).id

  it('refuses sites of a hospital that is not imported yet, naming each line', async () => {
    const result = await importReferenceData(t.app.flow, sitesCsv, 'sites')
    expect(result).toEqual({
      outcome: 'rejected',
      errors: [2, 3].map((line) => ({ line, message: 'aucun établissement n’a le numéro FINESS 750712184 (importez d’abord les établissements)' }))
        .concat([4, 5].map((line) => ({ line, message: 'aucun établissement n’a le numéro FINESS 690781810 (importez d’abord les établissements)' }))),
    })
    expect(await count('site')).toBe(0)
  })

  it('imports hospitals with their domains and creates each one’s account-manager site', async () => {
    const result = await importReferenceData(t.app.flow, hospitalsCsv, 'hospitals')
    expect(result).toEqual({ outcome: 'imported', created: 3, updated: 0, unchanged: 0 })
    const hcl = await hospitalId('690781810')
    expect(await hospitalEmailDomains(t.db, hcl)).toEqual(['chu-lyon.fr', 'hcl.fr'])
    expect((await listSitesOfHospital(t.db, hcl)).map((s) => [s.title, s.kind])).toEqual([['Site administrateur comptes (HCL)', 'accountAdministration']])
    const audit = await t.db.selectFrom('audit_event').select(['type', 'details']).where('type', '=', 'referenceData.imported').execute()
    expect(audit).toHaveLength(1)
  })

  it('imports sites with quoted fields, semicolons, CRLF and a line break inside a title', async () => {
    const result = await importReferenceData(t.app.flow, sitesCsv, 'sites')
    expect(result).toEqual({ outcome: 'imported', created: 4, updated: 0, unchanged: 0 })
    const sites = await listSitesOfHospital(t.db, await hospitalId('750712184'))
    expect(sites.map((s) => [s.title, s.abbreviation, s.leadName, s.kind, s.filiere])).toEqual([
      ['Maladies rares de l\'os, du calcium et du cartilage', null, 'Marc "Doc" Perrin', 'ccmr', 'OSCAR'],
      ['Malformations ORL rares', 'MALO', 'Hélène Lévêque', 'crmrCoordinating', 'TETECOU'],
      ['Site administrateur comptes (AP-HP)', null, null, 'accountAdministration', null],
    ])
    const hclSites = await listSitesOfHospital(t.db, await hospitalId('690781810'))
    expect(hclSites.map((s) => [s.title, s.kind])).toContainEqual(['Titre sur deux lignes', 'other'])
    expect(hclSites.map((s) => [s.title, s.kind])).toContainEqual(['Mucoviscidose', 'crc'])
  })

  it('changes nothing when the same files are imported again', async () => {
    const before = [await count('hospital'), await count('site'), await count('hospital_email_domain')]
    expect(await importReferenceData(t.app.flow, hospitalsCsv, 'hospitals')).toEqual({ outcome: 'imported', created: 0, updated: 0, unchanged: 3 })
    expect(await importReferenceData(t.app.flow, sitesCsv, 'sites')).toEqual({ outcome: 'imported', created: 0, updated: 0, unchanged: 4 })
    expect([await count('hospital'), await count('site'), await count('hospital_email_domain')]).toEqual(before)
  })

  it('updates what changed: a renamed hospital renames its account-manager site, a new lead is searchable', async () => {
    const renamed = hospitalsCsv.replace('HCL,Lyon,"chu-lyon.fr; hcl.fr"', 'Hospices Civils de Lyon,Lyon,')
    expect(await importReferenceData(t.app.flow, renamed, 'hospitals')).toEqual({ outcome: 'imported', created: 0, updated: 1, unchanged: 2 })
    const hcl = await hospitalId('690781810')
    expect(await hospitalEmailDomains(t.db, hcl)).toEqual(['chu-lyon.fr', 'hcl.fr'])
    const admin = await t.db.selectFrom('site').select(['title', 'search_text']).where('hospital_id', '=', hcl).where('kind', '=', 'accountAdministration').executeTakeFirstOrThrow()
    expect(admin).toEqual({ title: 'Site administrateur comptes (Hospices Civils de Lyon)', search_text: 'site administrateur comptes (hospices civils de lyon)' })

    const newLead = sitesCsv.replace('Anne Roche', 'Zoé Bénard')
    expect(await importReferenceData(t.app.flow, newLead, 'sites')).toEqual({ outcome: 'imported', created: 0, updated: 1, unchanged: 3 })
    const muco = await t.db.selectFrom('site').select(['lead_name', 'search_text']).where('title', '=', 'Mucoviscidose').executeTakeFirstOrThrow()
    expect(muco).toEqual({ lead_name: 'Zoé Bénard', search_text: 'mucoviscidose zoe benard' })
  })

  it('reports every bad line with its number and writes nothing, not even the good lines', async () => {
    const before = [await count('hospital'), await count('site'), await count('hospital_email_domain')]
    const bad = [
      'finess_ej,city,short_name',
      '330781196,Bordeaux,CHU de Bordeaux',
      '33078119,Bordeaux,Trop court',
      '200000017,Ajaccio,Département 20',
      '330781197,Bordeaux,Mauvaise clé',
      '3307811X6,Bordeaux,Lettre',
      ',Toulouse,Sans numéro',
      '310781406,Toulouse',
      '330781196,Bordeaux,CHU de Bordeaux (doublon)',
      '310781406,Toulouse,CHU de Toulouse',
    ].join('\n')
    const result = await importReferenceData(t.app.flow, bad, 'hospitals')
    expect(result).toEqual({
      outcome: 'rejected',
      errors: [
        { line: 3, message: 'numéro FINESS « 33078119 » invalide : 9 caractères attendus' },
        { line: 4, message: 'numéro FINESS « 200000017 » invalide : les deux premiers caractères doivent être un département (01 à 95, 2A, 2B, 97, 98)' },
        { line: 5, message: 'numéro FINESS « 330781197 » invalide : clé de contrôle incorrecte (faute de frappe ?)' },
        { line: 6, message: 'numéro FINESS « 3307811X6 » invalide : les 7 derniers caractères doivent être des chiffres' },
        { line: 7, message: 'la colonne « finess » est vide' },
        { line: 8, message: '2 champs au lieu de 3' },
        { line: 9, message: 'doublon de la ligne 2' },
      ],
    })
    expect([await count('hospital'), await count('site'), await count('hospital_email_domain')]).toEqual(before)
  })

  it('rejects bad site lines: unknown kind, reserved title, bad domain, missing columns, broken quotes', async () => {
    const sites = [
      'hospital_finess,title,kind',
      '750712184,Nouveau site,crmr-coordonnateur',
      '750712184,Autre nouveau site,centre',
      '750712184,Site administrateur comptes (AP-HP),autre',
      '750712184,Nouveau site,ccmr',
    ].join('\n')
    expect(await importReferenceData(t.app.flow, sites, 'sites')).toEqual({
      outcome: 'rejected',
      errors: [
        { line: 3, message: 'type de site « centre » inconnu (attendu : crmr-coordonnateur, crmr-constitutif, ccmr, crc ou autre)' },
        { line: 4, message: 'l’intitulé « Site administrateur comptes » est réservé : ce site est créé avec l’établissement' },
        { line: 5, message: 'doublon de la ligne 2' },
      ],
    })
    expect(await importReferenceData(t.app.flow, 'finess,name,city,email_domains\n130786049,AP-HM,Marseille,ap-hm..fr', 'hospitals'))
      .toEqual({ outcome: 'rejected', errors: [{ line: 2, message: 'domaine email « ap-hm..fr » invalide (exemple attendu : chu-exemple.fr)' }] })
    expect(await importReferenceData(t.app.flow, 'finess,domaines\n130786049,ap-hm.fr', 'hospitals'))
      .toEqual({ outcome: 'rejected', errors: [{ line: 1, message: 'colonnes manquantes dans l’en-tête : name, city' }] })
    expect(await importReferenceData(t.app.flow, 'finess,name,city\n130786049,"AP-HM,Marseille', 'hospitals'))
      .toEqual({ outcome: 'rejected', errors: [{ line: 2, message: 'guillemet ouvrant sans guillemet fermant' }] })
    expect(await importReferenceData(t.app.flow, '', 'hospitals'))
      .toEqual({ outcome: 'rejected', errors: [{ line: 1, message: 'le fichier est vide (une ligne d’en-tête est attendue)' }] })
    expect(await count('hospital')).toBe(3)
  })

  it('imports the shared FINESS extract as it is (reference column names)', async () => {
    const text = fs.readFileSync(new URL('./seed/hospitals.csv', import.meta.url), 'utf8')
    const result = await importReferenceData(t.app.flow, text, 'hospitals')
    expect(result).toMatchObject({ outcome: 'imported', created: 27 })
  })
})

describe('CSV reader and FINESS check', () => {
  it('reads quoted fields, doubled quotes, CRLF, a byte-order mark and a missing final line end', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, ""y""",z\r\n\r\n1,2')).toEqual({
      outcome: 'parsed',
      header: ['a', 'b'],
      records: [{ line: 2, fields: ['x, "y"', 'z'] }, { line: 4, fields: ['1', '2'] }],
    })
    expect(parseCsv('a,b\n"x"y,z')).toEqual({ outcome: 'malformed', line: 2, problem: 'strayQuote' })
    expect(parseCsv('a,b\nx"y,z')).toEqual({ outcome: 'malformed', line: 2, problem: 'strayQuote' })
    // A quoted line break: the record is numbered by the line it starts on, as an unclosed quote.
    expect(parseCsv('a,b\n"x\ny",z\n\n1,2\n')).toEqual({
      outcome: 'parsed', header: ['a', 'b'], records: [{ line: 2, fields: ['x\ny', 'z'] }, { line: 5, fields: ['1', '2'] }],
    })
    expect(parseCsv('a,b\n1,2\n\n"x,y\nz')).toEqual({ outcome: 'malformed', line: 4, problem: 'unclosedQuote' })
    expect(parseCsv('a;b\n1;2')).toEqual({ outcome: 'parsed', header: ['a', 'b'], records: [{ line: 2, fields: ['1', '2'] }] })
    expect(parseCsv('\uFEFF')).toEqual({ outcome: 'malformed', line: 1, problem: 'empty' })
  })

  it('accepts Corsican and overseas numbers and checks the key of numeric ones', () => {
    expect(findFinessProblem('2A0000013')).toBeUndefined()
    expect(findFinessProblem('2B0000011')).toBeUndefined()
    expect(findFinessProblem('970211207')).toBeUndefined()
    expect(findFinessProblem('060785011')).toBeUndefined()
    expect(findFinessProblem('060785012')).toBe('key')
    expect(findFinessProblem('2C0000013')).toBe('departement')
    expect(findFinessProblem('000000000')).toBe('departement')
    expect(findFinessProblem('75071218')).toBe('length')
  })
})
