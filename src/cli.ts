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
 *   daily-tasks                          purge-audit, purge-expired, send-review-reminders, send-activation-digests
 *                                        (the server runs them itself at DAILY_TASKS_AT; this is for cron)
 *   backup <fichier>                     consistent copy of the SQLite database, while the server runs
 *   restore <fichier>                    put a backup back (refused while a process has the database open)
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
import { ConfigError, loadConfig, type AppConfig, type Rules } from './config.ts'
import { openDatabase, type Db } from './kernel/db/database.ts'
import { migrateToLatest, migrationNames } from './kernel/db/migrate.ts'
import { backupSqliteDatabase, restoreSqliteDatabase } from './kernel/db/backup.ts'
import { runDailyTasks } from './daily-tasks.ts'
import { listUnsettledEmailCollisions } from './kernel/accounts/email-collisions.ts'
import { canonicalEmail } from './kernel/text.ts'
import { purgeExpiredRows } from './kernel/db/expired-rows.ts'
import { checkPasswordPolicy, type PasswordRule } from './kernel/security/passwords.ts'
import { findPersonNameProblem, personNameMaximumLength } from './kernel/accounts/person-names.ts'
import { countOf, layoutMessages, plural } from './kernel/web/messages.ts'
import { createSuperadmin, importReferenceData, loadDemoData, seedProfessions, type ImportKind } from './features/reference-data/index.ts'
import { purgeAuditEvents, verifyAuditChain, type PurgeResult } from './features/audit/index.ts'
import { sealAuditEvents } from './kernel/audit/audit-seal.ts'
import { sendAccessReviewNotifications, type NotificationSummary } from './features/access-review/index.ts'
import { sendActivationDigests, type DigestReport } from './features/activation-digest/index.ts'
import type { PurgeReport } from './kernel/db/expired-rows.ts'
import { flowContext, type FlowContext } from './kernel/flow-context.ts'

const openidProvider = () => import('./features/openid-provider/index.ts')

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
                                            send-activation-digests (le serveur les lance lui-même à
                                            DAILY_TASKS_AT ; cette commande sert avec DAILY_TASKS_AT=off et cron)
  backup <fichier>                          copie cohérente de la base SQLite, service en marche
  restore <fichier>                         remet une sauvegarde en place (refusé tant qu’un processus
                                            utilise la base)
  oidc-client add|list|rotate-secret|disable
                                            applications clientes OpenID Connect (secret affiché
                                            une seule fois) ; « oidc-client » seul donne l’usage
  rotate-keys                               nouvelles clés de signature OpenID Connect (les
                                            anciennes restent publiées jusqu’à expiration)`

/** The password rules' words, their lengths read from the rules in force. */
const passwordRuleMessages = (rules: Rules): Record<PasswordRule, string> => ({
  tooShort: `au moins ${countOf('fr', rules.passwordMinimumLength, 'caractère', 'caractères')}`,
  tooLong: `au plus ${countOf('fr', rules.passwordMaximumLength, 'caractère', 'caractères')}`,
  lowercase: 'au moins une lettre minuscule',
  uppercase: 'au moins une lettre majuscule',
  digit: 'au moins un chiffre',
  special: 'au moins un caractère spécial',
  common: 'pas un mot de passe courant',
  applicationWord: 'sans mot lié au service (BaMaRa, BNDMR, maladies rares, Orphanet…)',
  personal: 'ne pas contenir le nom ni l’adresse email',
})

/** Runs one command; returns the process exit code. */
export async function runCli (args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out(usage)
    return command === undefined ? exitCodes.usage : exitCodes.ok
  }
  const commands: Record<string, (db: Db, config: AppConfig) => Promise<number>> = {
    migrate: (db) => reportUnsettledEmails(db, io),
    'import-hospitals': (db, config) => importFile(flowContext(db, config, io.now), 'hospitals', rest, io),
    'import-sites': (db, config) => importFile(flowContext(db, config, io.now), 'sites', rest, io),
    import: (db, config) => importByKind(flowContext(db, config, io.now), rest, io),
    'create-superadmin': (db, config) => createSuperadminFromCli(db, config, rest, io),
    'demo-data': (db, config) => loadDemoDataFromCli(db, config, io),
    'send-activation-digests': (db, config) => sendActivationDigestsFromCli(db, config, io),
    'verify-audit': (db) => verifyAuditFromCli(db, io),
    'purge-audit': (db, config) => purgeAuditFromCli(db, config, io),
    'purge-expired': (db, config) => purgeExpiredFromCli(db, config, io),
    'send-review-reminders': (db, config) => sendReviewRemindersFromCli(db, config, io),
    // Loaded on demand: the provider (oidc-provider, koa, jose…) costs every other command's start-up.
    'oidc-client': async (db, config) => (await openidProvider()).oidcClientCommand(db, config.nodeEnv === 'production', rest, io),
    'rotate-keys': async (db, config) => (await openidProvider()).rotateKeysCommand(flowContext(db, config, io.now), io),
    'daily-tasks': async (db, config) => {
      const report = await runDailyTasks(db, config, io.now())
      io.out(describeAuditPurge(report.audit, config))
      io.out(describeExpiredPurge(report.expired))
      io.out(describeReviewNotifications(report.reviews))
      io.out(describeActivationDigests(report.digests))
      return exitCodes.ok
    },
  }
  const fileCommands: Record<string, (config: AppConfig) => Promise<number>> = {
    backup: (config) => backupFromCli(config, rest, io),
    restore: async (config) => restoreFromCli(config, rest, io),
  }
  const run = commands[command]
  const runOnFile = fileCommands[command]
  if (!run && !runOnFile) {
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
  // Backup and restore work on the database file itself: no connection, no migration first.
  if (runOnFile) {
    try {
      return await runOnFile(config)
    } catch (error) {
      io.err(`Échec : ${error instanceof Error ? error.message : String(error)}`)
      return exitCodes.failed
    }
  }
  if (!run) return exitCodes.usage
  const handle = openDatabase({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile })
  try {
    const applied = await migrateToLatest(handle.db)
    await seedProfessions(handle.db)
    if (command === 'migrate') io.out(applied.length > 0 ? `Migrations appliquées : ${applied.join(', ')}.` : 'La base est déjà à jour.')
    const code = await run(handle.db, config)
    // What the command audited is chained before it exits, whether or not a server runs. The
    // verification only reads: it reports what is not sealed yet.
    if (command !== 'verify-audit') await sealAuditEvents(handle.db)
    return code
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
  io.out(`Adresses à régler (migration 0008, laissées telles quelles) : ${countOf('fr', unsettled.length, 'compte', 'comptes')}.`)
  for (const row of unsettled) {
    io.out(row.problem === 'collision'
      ? `  ${row.storedEmail} (compte ${row.accountId}) : même adresse canonique ${row.canonicalEmail ?? ''} qu’un autre compte`
      : `  ${row.storedEmail} (compte ${row.accountId}) : caractères refusés (invisibles ou imitant un point)`)
  }
  io.out('Pour chaque adresse : gardez un seul compte par boîte (désactivez ou supprimez le doublon, ou changez son adresse dans la console).')
  return exitCodes.ok
}

async function importByKind (ctx: FlowContext, args: string[], io: CliIo): Promise<number> {
  const [kindName, ...rest] = args
  const kinds: Record<string, ImportKind> = { etablissements: 'hospitals', 'établissements': 'hospitals', hospitals: 'hospitals', sites: 'sites' }
  const kind = kinds[kindName ?? '']
  if (!kind) {
    io.err('Indiquez le type : « import etablissements <fichier> » ou « import sites <fichier> ».')
    return exitCodes.usage
  }
  return importFile(ctx, kind, rest, io)
}

async function importFile (ctx: FlowContext, kind: ImportKind, args: string[], io: CliIo): Promise<number> {
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
  const result = await importReferenceData(ctx, text, kind)
  const what = kind === 'hospitals' ? 'établissements' : 'sites'
  if (result.outcome === 'rejected') {
    io.err(`Import refusé : ${countOf('fr', result.errors.length, 'erreur', 'erreurs')} dans « ${file} ». Rien n’a été enregistré.`)
    for (const error of result.errors) io.err(`  ligne ${error.line} : ${error.message}`)
    return exitCodes.failed
  }
  io.out(`Import des ${what} terminé : ${countOf('fr', result.created, 'créé', 'créés')}, ${result.updated} mis à jour, ${countOf('fr', result.unchanged, 'inchangé', 'inchangés')}.`)
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
    io.err(`Mot de passe refusé : ${broken.map((rule) => passwordRuleMessages(config.rules)[rule]).join(' ; ')}.`)
    return exitCodes.failed
  }
  const created = await createSuperadmin(flowContext(db, config, io.now), { email, password, lastName, firstName })
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
  const accounts = await loadDemoData(flowContext(db, config, io.now))
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
  // Events not sealed yet are not a fault (the service seals within seconds), but not verified.
  const unsealed = result.unsealed > 0
    ? ` ${countOf('fr', result.unsealed, 'événement récent n’est pas encore scellé', 'événements récents ne sont pas encore scellés')} (non vérifiés).`
    : ''
  if (result.intact) {
    io.out(`Journal d’audit intact : ${countOf('fr', result.events, 'événement scellé vérifié', 'événements scellés vérifiés')}.${unsealed}`)
    return exitCodes.ok
  }
  io.err(`Journal d’audit altéré : premier maillon rompu à l’événement scellé n° ${result.brokenAtSeq} (${result.reason}).${unsealed}`)
  return exitCodes.failed
}

async function purgeAuditFromCli (db: Db, config: AppConfig, io: CliIo): Promise<number> {
  io.out(describeAuditPurge(await purgeAuditEvents(flowContext(db, config, io.now)), config))
  return exitCodes.ok
}

async function purgeExpiredFromCli (db: Db, config: AppConfig, io: CliIo): Promise<number> {
  io.out(describeExpiredPurge(await purgeExpiredRows(db, config.rules, io.now())))
  return exitCodes.ok
}

async function sendReviewRemindersFromCli (db: Db, config: AppConfig, io: CliIo): Promise<number> {
  io.out(describeReviewNotifications(await sendAccessReviewNotifications(flowContext(db, config, io.now))))
  return exitCodes.ok
}

function describeAuditPurge (result: PurgeResult, config: AppConfig): string {
  return `Journal d’audit : ${countOf('fr', result.removed, 'événement antérieur', 'événements antérieurs')} au ${new Date(result.cutoff).toISOString().slice(0, 10)} ${plural('fr', result.removed, 'supprimé', 'supprimés')} (conservation : ${config.rules.auditRetentionMonths} mois).`
}

function describeExpiredPurge (report: PurgeReport): string {
  return `Purge : ${countOf('fr', report.sessions, 'session expirée', 'sessions expirées')}, ${countOf('fr', report.accountTokens, 'lien utilisé ou expiré', 'liens utilisés ou expirés')}, ${countOf('fr', report.loginChallenges, 'connexion abandonnée', 'connexions abandonnées')}, ${countOf('fr', report.rateLimits, 'compteur de limitation supprimé', 'compteurs de limitation supprimés')}, ${countOf('fr', report.oidcPayloads, 'jeton ou session OpenID Connect expiré', 'jetons ou sessions OpenID Connect expirés')}, ${countOf('fr', report.oidcKeys, 'clé de signature retirée', 'clés de signature retirées')}.`
}

function describeReviewNotifications (summary: NotificationSummary): string {
  return `Revue des droits : ${countOf('fr', summary.dueEmails, 'email', 'emails')} « à effectuer », ${countOf('fr', summary.reminders, 'rappel mis', 'rappels mis')} en file d’envoi ; ${countOf('fr', summary.campaignsOpened, 'campagne ouverte', 'campagnes ouvertes')}, ${countOf('fr', summary.campaignsClosed, 'terminée', 'terminées')}.`
}

function describeActivationDigests (report: DigestReport): string {
  return `Récapitulatifs envoyés : ${report.sent} (gestionnaires : ${report.managers}, comptes signalés : ${report.accounts}).`
}

/**
 * backup and restore take exactly one file and work on SQLite only (PostgreSQL has its own
 * tools): the file, or the usage exit code after saying what is wrong.
 */
function sqliteFileArgument (config: AppConfig, args: string[], io: CliIo, refusals: { usage: string; postgres: string }): string | number {
  const [file, ...extra] = args
  if (file === undefined || extra.length > 0) {
    io.err(refusals.usage)
    return exitCodes.usage
  }
  if (config.databaseUrl !== undefined) {
    io.err(refusals.postgres)
    return exitCodes.usage
  }
  return file
}

async function backupFromCli (config: AppConfig, args: string[], io: CliIo): Promise<number> {
  const file = sqliteFileArgument(config, args, io, {
    usage: 'Indiquez le fichier de sauvegarde : npm run cli -- backup <fichier>',
    postgres: 'Base PostgreSQL : sauvegardez-la avec pg_dump (voir docs/deployment.md, « Sauvegardes »).',
  })
  if (typeof file === 'number') return file
  const result = await backupSqliteDatabase(config.sqliteFile, file)
  if (result.outcome === 'noDatabase') {
    io.err(`Aucune base à sauvegarder : « ${config.sqliteFile} » n’existe pas.`)
    return exitCodes.failed
  }
  if (result.outcome === 'destinationExists') {
    io.err(`« ${file} » existe déjà : choisissez un autre nom (une sauvegarde n’en écrase jamais une autre).`)
    return exitCodes.failed
  }
  io.out(`Sauvegarde écrite : ${file} (${result.bytes} octets).`)
  return exitCodes.ok
}

function restoreFromCli (config: AppConfig, args: string[], io: CliIo): number {
  const file = sqliteFileArgument(config, args, io, {
    usage: 'Indiquez la sauvegarde à restaurer : npm run cli -- restore <fichier>',
    postgres: 'Base PostgreSQL : restaurez-la avec pg_restore (voir docs/deployment.md, « Sauvegardes »).',
  })
  if (typeof file === 'number') return file
  const result = restoreSqliteDatabase(file, config.sqliteFile, migrationNames, io.now())
  if (result.outcome === 'inUse') {
    io.err(`Restauration refusée : un processus utilise « ${config.sqliteFile} » (le service est-il arrêté ?). Rien n’a été modifié.`)
    return exitCodes.failed
  }
  if (result.outcome === 'invalidBackup') {
    io.err(`Restauration refusée : « ${file} » — ${result.reason}. Rien n’a été modifié.`)
    return exitCodes.failed
  }
  io.out(`Base restaurée depuis ${file}.${result.previousFile ? ` L’ancienne base est gardée dans ${result.previousFile} (à supprimer une fois le service vérifié).` : ''}`)
  io.out('Démarrez le service (les migrations manquantes s’appliquent au démarrage), puis vérifiez : npm run cli -- verify-audit')
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
  io.out(describeActivationDigests(await sendActivationDigests(flowContext(db, config, io.now))))
  return exitCodes.ok
}
