/**
 * The command line (foundation issue, « Pages and operations »): `npm run cli -- <command>`.
 *
 *   migrate                              apply the migrations and seed the professions; lists the
 *                                        accounts left with a non-canonical address (migration 0008)
 *   import-hospitals <fichier.csv>       import hospitals (établissements), all or nothing
 *   import-sites <fichier.csv>           import sites, all or nothing
 *   import <etablissements|sites> <f>    the same two, by kind
 *   create-superadmin --email <adresse> [--nom <nom>] [--prenom <prénom>]
 *                                        password from SUPERADMIN_PASSWORD, else asked (hidden)
 *   demo-data                            load the demo data (refused in production)
 *   verify-audit                         verify the audit chain; names the first broken event
 *   purge-audit                          delete audit events older than AUDIT_RETENTION_MONTHS
 *   send-review-reminders                access review emails to account managers (once each)
 *   purge-expired                        delete expired sessions, dead link tokens, abandoned logins, old rate limits
 *   daily-tasks                          purge-audit, purge-expired, send-review-reminders, send-activation-digests (cron)
 *   send-activation-digests              email account managers the accounts waiting for
 *                                        activation (at most one digest a day each; for cron)
 *   oidc-client add|list|rotate-secret|disable …
 *                                        OpenID Connect clients (features/openid-provider/cli-commands.ts)
 *   rotate-keys                          new signing keys for the OpenID Connect provider
 *
 * It reads the same environment as the server (DATABASE_URL, SQLITE_FILE, NODE_ENV…), runs the
 * migrations before any command (as the server does at start), speaks French and exits with a
 * non-zero code on any error. A password is never taken from the command line: `ps` shows it.
 * The file format of the imports is described in `features/reference-data/reference-import.ts`.
 */
import fs from 'node:fs'
import { pathToFileURL } from 'node:url'
import { ConfigError, loadConfig, type AppConfig } from './config.ts'
import { openDatabase, type Db } from './kernel/db/database.ts'
import { migrateToLatest } from './kernel/db/migrate.ts'
import { listUnsettledEmailCollisions } from './kernel/accounts/email-collisions.ts'
import { canonicalEmail } from './kernel/text.ts'
import { purgeExpiredRows } from './kernel/db/expired-rows.ts'
import { checkPasswordPolicy, type PasswordRule } from './kernel/security/passwords.ts'
import { findPersonNameProblem, personNameMaximumLength } from './kernel/accounts/person-names.ts'
import { layoutMessages } from './kernel/web/messages.ts'
import { createSuperadmin, importReferenceData, loadDemoData, seedProfessions, type ImportKind } from './features/reference-data/index.ts'
import { purgeAuditEvents, verifyAuditChain } from './features/audit/index.ts'
import { sendAccessReviewNotifications } from './features/access-review/index.ts'
import { sendActivationDigests } from './features/activation-digest/index.ts'
import { oidcClientCommand, rotateKeysCommand } from './features/openid-provider/index.ts'

export interface CliIo {
  env: Record<string, string | undefined>
  out: (line: string) => void
  err: (line: string) => void
  /** Reads a password without echoing it; undefined when no terminal is attached. */
  readPassword: (prompt: string) => Promise<string | undefined>
  now: () => number
}

export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const

const usage = `Usage : npm run cli -- <commande>

  migrate                                   applique les migrations
  import-hospitals <fichier.csv>            importe les établissements (tout ou rien)
  import-sites <fichier.csv>                importe les sites (tout ou rien)
  import <etablissements|sites> <fichier>   idem, par type
  create-superadmin --email <adresse> [--nom <nom>] [--prenom <prénom>]
                                            crée un super-administrateur ; mot de passe lu dans
                                            SUPERADMIN_PASSWORD ou demandé (jamais en argument)
  demo-data                                 charge les données de démonstration (hors production)
  send-activation-digests                   envoie aux gestionnaires le récapitulatif des comptes en
                                            attente d'activation (au plus un par jour ; pour cron)
  verify-audit                              vérifie la chaîne du journal d’audit
  purge-audit                               supprime les événements plus anciens que la durée de
                                            conservation (AUDIT_RETENTION_MONTHS, 12 mois par défaut)
  purge-expired                             supprime les sessions expirées, les liens utilisés ou expirés,
                                            les connexions abandonnées et les anciens compteurs de limitation
  send-review-reminders                     envoie les emails de revue des droits d’accès
  daily-tasks                               purge-audit, purge-expired, send-review-reminders et
                                            send-activation-digests (cron quotidien)
  oidc-client add|list|rotate-secret|disable
                                            applications clientes OpenID Connect (secret affiché
                                            une seule fois) ; « oidc-client » seul donne l’usage
  rotate-keys                               nouvelles clés de signature OpenID Connect (les
                                            anciennes restent publiées jusqu’à expiration)`

const passwordRuleMessages: Record<PasswordRule, string> = {
  tooShort: 'au moins 8 caractères',
  tooLong: 'au plus 256 caractères',
  lowercase: 'au moins une lettre minuscule',
  uppercase: 'au moins une lettre majuscule',
  digit: 'au moins un chiffre',
  special: 'au moins un caractère spécial',
  common: 'pas un mot de passe courant',
  applicationWord: 'sans mot lié au service (BaMaRa, BNDMR, maladies rares, Orphanet…)',
  personal: 'ne pas contenir le nom ni l’adresse email',
}

/** Runs one command; returns the process exit code. */
export async function runCli (args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out(usage)
    return command === undefined ? exitCodes.usage : exitCodes.ok
  }
  const commands: Record<string, (db: Db, config: AppConfig) => Promise<number>> = {
    migrate: (db) => reportUnsettledEmails(db, io),
    'import-hospitals': (db) => importFile(db, 'hospitals', rest, io),
    'import-sites': (db) => importFile(db, 'sites', rest, io),
    import: (db) => importByKind(db, rest, io),
    'create-superadmin': (db, config) => createSuperadminFromCli(db, config, rest, io),
    'demo-data': (db, config) => loadDemoDataFromCli(db, config, io),
    'send-activation-digests': (db, config) => sendActivationDigestsFromCli(db, config, io),
    'verify-audit': (db) => verifyAuditFromCli(db, io),
    'purge-audit': (db, config) => purgeAuditFromCli(db, config, io),
    'purge-expired': (db, config) => purgeExpiredFromCli(db, config, io),
    'send-review-reminders': (db, config) => sendReviewRemindersFromCli(db, config, io),
    'oidc-client': (db, config) => oidcClientCommand(db, config.nodeEnv === 'production', rest, io),
    'rotate-keys': (db) => rotateKeysCommand(db, io),
    'daily-tasks': async (db, config) => {
      const purged = await purgeAuditFromCli(db, config, io)
      const expired = await purgeExpiredFromCli(db, config, io)
      const reminded = await sendReviewRemindersFromCli(db, config, io)
      const digested = await sendActivationDigestsFromCli(db, config, io)
      return Math.max(purged, expired, reminded, digested)
    },
  }
  const run = commands[command]
  if (!run) {
    io.err(`Commande inconnue : « ${command} ».\n\n${usage}`)
    return exitCodes.usage
  }

  let config: AppConfig
  try {
    config = loadConfig(io.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message)
      return exitCodes.usage
    }
    throw error
  }
  const handle = openDatabase({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile })
  try {
    const applied = await migrateToLatest(handle.db)
    await seedProfessions(handle.db)
    if (command === 'migrate') io.out(applied.length > 0 ? `Migrations appliquées : ${applied.join(', ')}.` : 'La base est déjà à jour.')
    return await run(handle.db, config)
  } catch (error) {
    io.err(`Échec : ${error instanceof Error ? error.message : String(error)}`)
    return exitCodes.failed
  } finally {
    await handle.close()
  }
}

/**
 * Migration 0008 leaves, unchanged, the accounts whose addresses collide once canonical (or that
 * the canonical form refuses): never merged silently, listed here until settled. Exit code 0:
 * the database is migrated; the list is work for the operator, not a failure.
 */
async function reportUnsettledEmails (db: Db, io: CliIo): Promise<number> {
  const unsettled = await listUnsettledEmailCollisions(db)
  if (unsettled.length === 0) return exitCodes.ok
  io.out(`Adresses à régler (migration 0008, laissées telles quelles) : ${unsettled.length} compte(s).`)
  for (const row of unsettled) {
    io.out(row.problem === 'collision'
      ? `  ${row.storedEmail} (compte ${row.accountId}) : même adresse canonique ${row.canonicalEmail ?? ''} qu’un autre compte`
      : `  ${row.storedEmail} (compte ${row.accountId}) : caractères refusés (invisibles ou imitant un point)`)
  }
  io.out('Pour chaque adresse : gardez un seul compte par boîte (désactivez ou supprimez le doublon, ou changez son adresse dans la console).')
  return exitCodes.ok
}

async function importByKind (db: Db, args: string[], io: CliIo): Promise<number> {
  const [kindName, ...rest] = args
  const kinds: Record<string, ImportKind> = { etablissements: 'hospitals', 'établissements': 'hospitals', hospitals: 'hospitals', sites: 'sites' }
  const kind = kinds[kindName ?? '']
  if (!kind) {
    io.err('Indiquez le type : « import etablissements <fichier> » ou « import sites <fichier> ».')
    return exitCodes.usage
  }
  return importFile(db, kind, rest, io)
}

async function importFile (db: Db, kind: ImportKind, args: string[], io: CliIo): Promise<number> {
  const [file, ...extra] = args
  if (file === undefined || extra.length > 0) {
    io.err(`Indiquez un seul fichier CSV : npm run cli -- ${kind === 'hospitals' ? 'import-hospitals' : 'import-sites'} <fichier.csv>`)
    return exitCodes.usage
  }
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    io.err(`Impossible de lire le fichier « ${file} ».`)
    return exitCodes.failed
  }
  const result = await importReferenceData(db, text, kind, io.now())
  const what = kind === 'hospitals' ? 'établissements' : 'sites'
  if (result.outcome === 'rejected') {
    io.err(`Import refusé : ${result.errors.length} erreur${result.errors.length > 1 ? 's' : ''} dans « ${file} ». Rien n’a été enregistré.`)
    for (const error of result.errors) io.err(`  ligne ${error.line} : ${error.message}`)
    return exitCodes.failed
  }
  io.out(`Import des ${what} terminé : ${result.created} créé(s), ${result.updated} mis à jour, ${result.unchanged} inchangé(s).`)
  return exitCodes.ok
}

/** `--name value` pairs; undefined when an option is unknown or lacks its value. */
function readOptions (args: string[], allowed: string[]): Record<string, string> | string {
  const options: Record<string, string> = {}
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i] as string
    const value = args[i + 1]
    if (!name.startsWith('--') || !allowed.includes(name.slice(2))) return `option inconnue : « ${name} »`
    if (value === undefined || value.startsWith('--')) return `l’option ${name} attend une valeur`
    options[name.slice(2)] = value
  }
  return options
}

async function createSuperadminFromCli (db: Db, config: AppConfig, args: string[], io: CliIo): Promise<number> {
  if (args.some((arg) => arg.startsWith('--password') || arg.startsWith('--mot-de-passe'))) {
    io.err('Le mot de passe ne se passe jamais en argument (il serait visible dans la liste des processus). Utilisez la variable SUPERADMIN_PASSWORD ou la saisie masquée.')
    return exitCodes.usage
  }
  const options = readOptions(args, ['email', 'nom', 'prenom'])
  if (typeof options === 'string') {
    io.err(`${options}.\nUsage : npm run cli -- create-superadmin --email <adresse> [--nom <nom>] [--prenom <prénom>]`)
    return exitCodes.usage
  }
  const email = options.email?.trim() ?? ''
  if (!canonicalEmail(email).ok) {
    io.err('Indiquez une adresse email valide, tapée au clavier : --email prenom.nom@chu-exemple.fr')
    return exitCodes.usage
  }
  const lastName = options.nom?.trim()
  const firstName = options.prenom?.trim()
  const nameRefusal = refusalOfName('--nom', lastName) ?? refusalOfName('--prenom', firstName)
  if (nameRefusal) {
    io.err(nameRefusal)
    return exitCodes.usage
  }
  const password = await readNewPassword(io)
  if (password === undefined) return exitCodes.usage
  const broken = checkPasswordPolicy(password, config.rules, [email, lastName ?? '', firstName ?? ''])
  if (broken.length > 0) {
    io.err(`Mot de passe refusé : ${broken.map((rule) => passwordRuleMessages[rule]).join(' ; ')}.`)
    return exitCodes.failed
  }
  const created = await createSuperadmin(db, { email, password, lastName, firstName }, io.now())
  if (!created) {
    io.err(`Un compte existe déjà avec l’adresse ${email} : rien n’a été créé.`)
    return exitCodes.failed
  }
  io.out(`Super-administrateur ${email} créé (compte actif).`)
  return exitCodes.ok
}

/** Registration's name rules (user guide §2.1) for --nom and --prenom: the message, or undefined when the name is fine or absent. */
function refusalOfName (option: string, name: string | undefined): string | undefined {
  const problem = name === undefined ? undefined : findPersonNameProblem(name)
  if (!problem) return undefined
  const t = layoutMessages.fr
  return `${option} : ${problem === 'missing' ? t.required : problem === 'tooLong' ? t.tooLong(personNameMaximumLength) : t.nameInvalid}`
}

async function readNewPassword (io: CliIo): Promise<string | undefined> {
  const fromEnv = io.env.SUPERADMIN_PASSWORD
  if (fromEnv) return fromEnv
  const first = await io.readPassword('Mot de passe du super-administrateur : ')
  if (first === undefined) {
    io.err('Saisie du mot de passe impossible ou interrompue (pas de terminal ?) : définissez la variable SUPERADMIN_PASSWORD.')
    return undefined
  }
  const second = await io.readPassword('Confirmez le mot de passe : ')
  if (first !== second) {
    io.err('Les deux saisies du mot de passe diffèrent.')
    return undefined
  }
  return first
}

async function loadDemoDataFromCli (db: Db, config: AppConfig, io: CliIo): Promise<number> {
  if (config.nodeEnv === 'production') {
    io.err('Les données de démonstration sont interdites en production.')
    return exitCodes.failed
  }
  const accounts = await loadDemoData(db, io.now())
  if (accounts.length === 0) {
    io.out('Des établissements existent déjà : les données de démonstration n’ont pas été chargées.')
    return exitCodes.ok
  }
  io.out(`Données de démonstration chargées. Comptes (mot de passe commun : ${accounts[0]?.password}) :`)
  for (const account of accounts) io.out(`  ${account.email} — ${account.status}${account.note ? ` (${account.note})` : ''}`)
  return exitCodes.ok
}

async function verifyAuditFromCli (db: Db, io: CliIo): Promise<number> {
  const result = await verifyAuditChain(db)
  if (result.intact) {
    io.out(`Journal d’audit intact : ${result.events} événement(s) vérifié(s).`)
    return exitCodes.ok
  }
  io.err(`Journal d’audit altéré : premier maillon rompu à l’événement n° ${result.brokenAtSeq} (${result.reason}).`)
  return exitCodes.failed
}

async function purgeAuditFromCli (db: Db, config: AppConfig, io: CliIo): Promise<number> {
  const result = await purgeAuditEvents(db, io.now(), config.rules.auditRetentionMonths)
  io.out(`Journal d’audit : ${result.removed} événement(s) antérieur(s) au ${new Date(result.cutoff).toISOString().slice(0, 10)} supprimé(s) (conservation : ${config.rules.auditRetentionMonths} mois).`)
  return exitCodes.ok
}

async function purgeExpiredFromCli (db: Db, config: AppConfig, io: CliIo): Promise<number> {
  const report = await purgeExpiredRows(db, config.rules, io.now())
  io.out(`Purge : ${report.sessions} session(s) expirée(s), ${report.accountTokens} lien(s) utilisé(s) ou expiré(s), ${report.loginChallenges} connexion(s) abandonnée(s), ${report.rateLimits} compteur(s) de limitation supprimé(s), ${report.oidcPayloads} jeton(s) ou session(s) OpenID Connect expiré(s), ${report.oidcKeys} clé(s) retirée(s).`)
  return exitCodes.ok
}

async function sendReviewRemindersFromCli (db: Db, config: AppConfig, io: CliIo): Promise<number> {
  const mailContext = { appName: config.appName, supportEmail: config.supportEmail, appBaseUrl: config.appBaseUrl }
  const summary = await sendAccessReviewNotifications(db, mailContext, config.rules, io.now())
  io.out(`Revue des droits : ${summary.dueEmails} email(s) « à effectuer », ${summary.reminders} rappel(s) mis en file d’envoi ; ${summary.campaignsOpened} campagne(s) ouverte(s), ${summary.campaignsClosed} terminée(s).`)
  return exitCodes.ok
}

/** Reads a line from the terminal without echoing it (raw mode), or undefined without a terminal. */
function readHiddenLine (prompt: string): Promise<string | undefined> {
  const input = process.stdin
  if (!input.isTTY) return Promise.resolve(undefined)
  process.stdout.write(prompt)
  return new Promise((resolve) => {
    let typed = ''
    const finish = (value: string | undefined) => {
      input.setRawMode(false)
      input.pause()
      input.off('data', onData)
      process.stdout.write('\n')
      resolve(value)
    }
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(typed)
        if (char === '\u0003' || char === '\u0004') return finish(undefined)
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('')
        else typed += char
      }
    }
    input.setRawMode(true)
    input.resume()
    input.on('data', onData)
  })
}

async function main () {
  const code = await runCli(process.argv.slice(2), {
    env: process.env,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    readPassword: readHiddenLine,
    now: Date.now,
  })
  process.exitCode = code
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error('Échec :', error instanceof Error ? error.message : error)
    process.exitCode = exitCodes.failed
  })
}

async function sendActivationDigestsFromCli (db: Db, config: AppConfig, io: CliIo): Promise<number> {
  const mailContext = { appName: config.appName, supportEmail: config.supportEmail, appBaseUrl: config.appBaseUrl }
  const report = await sendActivationDigests(db, mailContext, config.rules, io.now())
  io.out(`Récapitulatifs envoyés : ${report.sent} (gestionnaires : ${report.managers}, comptes signalés : ${report.accounts}).`)
  return exitCodes.ok
}
