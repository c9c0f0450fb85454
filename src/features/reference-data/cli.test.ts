import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, testEngine, type TestDatabase } from '../../../test/helpers/test-app.ts'
import { openDatabase, type DatabaseHandle } from '../../kernel/db/database.ts'
import { accountStatus } from '../../kernel/accounts/accounts.ts'
import { verifyPassword } from '../../kernel/security/passwords.ts'
import { runCli, type CliIo } from '../../cli.ts'

const strongPassword = 'Lune-Orageuse-93!'

describe(`command line (${testEngine})`, () => {
  let database: TestDatabase
  let handle: DatabaseHandle
  let directory: string
  beforeAll(async () => {
    database = await createTestDatabase()
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'bamara-cli-'))
  })
  afterAll(async () => {
    await handle?.close()
    await database.drop()
    fs.rmSync(directory, { recursive: true, force: true })
  })

  /** Runs a command in-process with the test database; collects what it prints. */
  async function cli (args: string[], options: { env?: Record<string, string>; passwords?: Array<string | undefined> } = {}) {
    const out: string[] = []
    const err: string[] = []
    const passwords = [...(options.passwords ?? [])]
    const io: CliIo = {
      env: { NODE_ENV: 'test', DEMO_DATA: 'false', ...database.env, ...options.env },
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      readPassword: async () => passwords.shift(),
      now: () => Date.UTC(2026, 10, 27),
    }
    const code = await runCli(args, io)
    return { code, out: out.join('\n'), err: err.join('\n') }
  }

  const db = () => {
    handle ??= openDatabase({ databaseUrl: database.env.DATABASE_URL, sqliteFile: database.env.SQLITE_FILE ?? ':memory:' })
    return handle.db
  }
  const findAccount = (email: string) => db().selectFrom('account')
    .select(['id', 'email', 'is_superadmin', 'email_confirmed_at', 'activated_at', 'deactivated_at', 'password_hash', 'last_name'])
    .where('email', '=', email).executeTakeFirst()

  it('migrates an empty database, then says it is up to date', async () => {
    const first = await cli(['migrate'])
    expect(first.code).toBe(0)
    expect(first.out).toMatch(/^Migrations appliquées : 0001-foundation/)
    const second = await cli(['migrate'])
    expect(second).toMatchObject({ code: 0, out: 'La base est déjà à jour.' })
  })

  it('creates an active super-administrator with the password from SUPERADMIN_PASSWORD', async () => {
    const result = await cli(['create-superadmin', '--email', ' Racine@APHP.fr ', '--nom', 'Racine', '--prenom', 'Rose'], { env: { SUPERADMIN_PASSWORD: strongPassword } })
    expect(result).toMatchObject({ code: 0, out: 'Super-administrateur Racine@APHP.fr créé (compte actif).' })
    const account = await findAccount('racine@aphp.fr')
    expect(account?.is_superadmin).toBe(1)
    expect(account?.last_name).toBe('Racine')
    expect(accountStatus(account as NonNullable<typeof account>)).toBe('active')
    expect(await verifyPassword(account?.password_hash as string, strongPassword)).toBe(true)
    const audit = await db().selectFrom('audit_event').select('type').where('target_id', '=', account?.id as string).execute()
    expect(audit.map((a) => a.type)).toEqual(['account.superadminCreated'])
  })

  it('asks for the password twice when no variable is set, and refuses two different entries', async () => {
    const mismatch = await cli(['create-superadmin', '--email', 'deux@aphp.fr'], { passwords: [strongPassword, 'Autre-Chose-93!'] })
    expect(mismatch).toMatchObject({ code: 2, err: 'Les deux saisies du mot de passe diffèrent.' })
    expect(await findAccount('deux@aphp.fr')).toBeUndefined()
    const noTerminal = await cli(['create-superadmin', '--email', 'deux@aphp.fr'], { passwords: [undefined] })
    expect(noTerminal.code).toBe(2)
    expect(noTerminal.err).toContain('SUPERADMIN_PASSWORD')
    const typed = await cli(['create-superadmin', '--email', 'deux@aphp.fr'], { passwords: [strongPassword, strongPassword] })
    expect(typed.code).toBe(0)
    expect((await findAccount('deux@aphp.fr'))?.is_superadmin).toBe(1)
  })

  it('refuses a password that breaks the policy, naming the broken rules', async () => {
    const weak = await cli(['create-superadmin', '--email', 'faible@aphp.fr'], { env: { SUPERADMIN_PASSWORD: 'motdepasse' } })
    expect(weak.code).toBe(1)
    expect(weak.err).toBe('Mot de passe refusé : au moins une lettre majuscule ; au moins un chiffre ; au moins un caractère spécial ; pas un mot de passe courant ; sans mot lié au service (BaMaRa, BNDMR, maladies rares, Orphanet…).')
    const personal = await cli(['create-superadmin', '--email', 'faible@aphp.fr', '--nom', 'Tournesol'], { env: { SUPERADMIN_PASSWORD: 'Tournesol-Violet-47!' } })
    expect(personal.err).toContain('ne pas contenir le nom ni l’adresse email')
    expect(await findAccount('faible@aphp.fr')).toBeUndefined()
  })

  it('never takes a password from the command line, and checks the email and options', async () => {
    const argvPassword = await cli(['create-superadmin', '--email', 'argv@aphp.fr', '--password', strongPassword])
    expect(argvPassword.code).toBe(2)
    expect(argvPassword.err).toContain('jamais en argument')
    expect((await cli(['create-superadmin', '--email', 'pas-une-adresse'], { env: { SUPERADMIN_PASSWORD: strongPassword } })).code).toBe(2)
    expect((await cli(['create-superadmin'], { env: { SUPERADMIN_PASSWORD: strongPassword } })).code).toBe(2)
    expect((await cli(['create-superadmin', '--email', 'x@aphp.fr', '--role', 'dieu'], { env: { SUPERADMIN_PASSWORD: strongPassword } })).err).toContain('option inconnue')
    // Registration's name rules (user guide §2.1): no line break, markup or digit in a name.
    for (const [option, name] of [['--nom', 'Dupont\r\nBcc: x@y.fr'], ['--prenom', '<b>Rose</b>'], ['--nom', 'R2D2'], ['--prenom', 'é'.repeat(101)]] as const) {
      const refused = await cli(['create-superadmin', '--email', 'nom@aphp.fr', option, name], { env: { SUPERADMIN_PASSWORD: strongPassword } })
      expect(refused.code, name).toBe(2)
      expect(refused.err, name).toMatch(new RegExp(`^${option} : (Ce champ ne peut contenir que des lettres|Ce champ est trop long)`))
    }
    expect(await findAccount('nom@aphp.fr')).toBeUndefined()
    expect(await findAccount('argv@aphp.fr')).toBeUndefined()
  })

  it('refuses to create a second account with an existing email, whatever its case', async () => {
    const again = await cli(['create-superadmin', '--email', 'RACINE@aphp.fr'], { env: { SUPERADMIN_PASSWORD: strongPassword } })
    expect(again).toMatchObject({ code: 1, err: 'Un compte existe déjà avec l’adresse RACINE@aphp.fr : rien n’a été créé.' })
  })

  it('imports a CSV file, and reports each bad line of a refused file with a non-zero exit code', async () => {
    const good = path.join(directory, 'etablissements.csv')
    fs.writeFileSync(good, 'finess,nom,ville,domaines\n750712184,AP-HP,Paris,aphp.fr\n')
    expect(await cli(['import-hospitals', good])).toMatchObject({ code: 0, out: 'Import des établissements terminé : 1 créé, 0 mis à jour, 0 inchangé.' })
    const bad = path.join(directory, 'sites.csv')
    fs.writeFileSync(bad, 'hospital_finess,title,kind\n750712184,Malformations ORL rares,ccmr\n750712185,Site,ccmr\n750712184,Autre,?\n')
    const refused = await cli(['import', 'sites', bad])
    expect(refused.code).toBe(1)
    expect(refused.err.split('\n')).toEqual([
      `Import refusé : 2 erreurs dans « ${bad} ». Rien n’a été enregistré.`,
      '  ligne 3 : numéro FINESS « 750712185 » invalide : clé de contrôle incorrecte (faute de frappe ?)',
      '  ligne 4 : type de site « ? » inconnu (attendu : crmr-coordonnateur, crmr-constitutif, ccmr, crc ou autre)',
    ])
    expect((await db().selectFrom('site').select('title').where('kind', '!=', 'accountAdministration').execute())).toEqual([])
    expect((await cli(['import-sites', path.join(directory, 'absent.csv')])).err).toContain('Impossible de lire le fichier')
    expect((await cli(['import', 'patients', good])).code).toBe(2)
  })

  it('answers an unknown command or a wrong configuration with the usage or the problem, and a non-zero code', async () => {
    expect((await cli([])).code).toBe(2)
    expect((await cli(['frobnicate'])).err).toContain('Commande inconnue : « frobnicate »')
    const config = await cli(['migrate'], { env: { PORT: 'abc' } })
    expect(config.code).toBe(2)
    expect(config.err).toContain('PORT doit être un nombre')
  })

  it('loads the demo data only once, and never in production', async () => {
    const production = await cli(['demo-data'], { env: { NODE_ENV: 'production', APP_BASE_URL: 'https://bamara.example', SMTP_URL: 'smtp://127.0.0.1:2525' } })
    expect(production.code).toBe(1)
    expect(production.err).toBe('Les données de démonstration sont interdites en production.')
    // The database already holds a hospital (imported above): nothing is loaded.
    expect(await cli(['demo-data'])).toMatchObject({ code: 0, out: 'Des établissements existent déjà : les données de démonstration n’ont pas été chargées.' })
  })

  it('runs as a process: exit code 2 and the reason on stderr for a password passed as an argument', async () => {
    const run = promisify(execFile)
    const root = new URL('../../../', import.meta.url).pathname
    const tsx = path.join(root, 'node_modules/.bin/tsx')
    const failure = await run(tsx, [path.join(root, 'src/cli.ts'), 'create-superadmin', '--email', 'ps@aphp.fr', '--password', strongPassword], {
      env: { ...process.env, NODE_ENV: 'test', DEMO_DATA: 'false', ...database.env },
    }).then(() => undefined, (error: { code: number; stderr: string }) => error)
    expect(failure?.code).toBe(2)
    expect(failure?.stderr).toContain('jamais en argument')
  })
})
