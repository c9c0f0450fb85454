/**
 * Configuration: the environment variables (validated once, at start) and the rules block.
 * Every number the guide gives lives in `defaultRules`, once, beside its source. Tests build the
 * app with `{ ...defaultRules, … }` overrides instead of patching modules.
 */
import path from 'node:path'
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

export const seconds = (n: number) => n * 1000
export const minutes = (n: number) => seconds(n * 60)
export const hours = (n: number) => minutes(n * 60)
export const days = (n: number) => hours(n * 24)

export const defaultRules = {
  /** User guide §3.5: wrong passwords in a row before the account locks and an unlock email is sent. */
  maximumFailedPasswords: 3,
  /** User guide §3.2: lifetime of the 8-digit login code, bound to the requesting browser. */
  oneTimeCodeTtl: minutes(1),
  /** Wrong codes accepted per code before it is void (ASVS 6.6.3). */
  maximumWrongCodes: 5,
  /** "Envoyer un nouveau code": minimum wait between two codes for one login attempt. */
  oneTimeCodeResendInterval: seconds(20),
  /**
   * After queuing a login code, the page waits at most this long for the dispatcher's first
   * attempt, so that it can say plainly when the email could not be sent yet (SMTP down).
   */
  oneTimeCodeEmailWait: seconds(3),
  /** A login attempt (password accepted, code pending) is abandoned after this long. */
  loginChallengeTtl: minutes(10),
  /** « Envoyer un nouveau code »: codes one login attempt may send; then the password is asked again. */
  maximumCodesPerChallenge: 5,
  /**
   * Rate limits of the login steps, counted in the database over this window (ASVS 2.4.1).
   * The password step is also bounded per account by the lockout (maximumFailedPasswords).
   */
  loginRateLimitWindow: minutes(15),
  /** Password step, per IP address. Generous: a hospital's users often share one address. */
  loginAttemptsPerIp: 100,
  /**
   * Password step, per email typed. Every attempt is counted, but only attempts on an unknown
   * or locked account are refused: a correct password on an unlocked account is never turned
   * away, so nobody can use this limit to lock an account out beyond the guide's lockout.
   */
  loginAttemptsPerAccount: 10,
  /**
   * A refused password step answers no sooner than this after the password check (ASVS 6.3.8):
   * a wrong password on a known account costs more writes than an unknown email (a few ms).
   */
  loginRefusalWriteMinimumDuration: 40,
  /** Code step and « Envoyer un nouveau code », per IP address. */
  oneTimeCodeAttemptsPerIp: 100,
  /** Code step, per account (only someone who typed the right password can spend these). */
  oneTimeCodeAttemptsPerAccount: 30,
  /** Login codes emailed per account (password step and resends): bounds the mails sent. */
  oneTimeCodesSentPerAccount: 10,
  /**
   * Accounts one client address may lock per accountLockRateLimitWindow (user guide §3.5: three
   * wrong passwords lock an account, so anyone could lock many). Past it, every password attempt
   * from that address is refused as rate-limited before the account is read: it locks no more
   * accounts, guesses no password uncounted, and learns nothing about who has an account.
   * Generous, as a hospital's users often share one address.
   */
  accountLocksPerAddress: 10,
  accountLockRateLimitWindow: hours(1),
  /** Unlock link submissions per IP address. */
  unlockAttemptsPerIp: 30,
  /** User guide §3.3: a reset link stays valid this long and works once. */
  passwordResetTtl: hours(6),
  /**
   * Rate limits of « Mot de passe oublié ? » (ASVS 2.4.1), counted over passwordResetRateLimitWindow.
   * Reset emails per address typed (known or not, so the limit reveals nothing): a mailbox
   * cannot be flooded.
   */
  passwordResetRequestsPerAccount: 5,
  /** Reset requests per IP address (one client spraying addresses). */
  passwordResetRequestsPerIp: 20,
  /** New passwords submitted from reset links, per IP address (each may cost a hash). */
  passwordResetAttemptsPerIp: 20,
  passwordResetRateLimitWindow: hours(1),
  /**
   * « Envoyer la demande » answers no sooner than this (ASVS 6.3.8): a known address costs a few
   * more database writes than an unknown one, and this floor hides the difference.
   */
  passwordResetRequestMinimumDuration: 150,
  /**
   * « Valider » of the registration answers no sooner than this after the password is hashed
   * (ASVS 6.3.8): creating an account costs more writes than noticing the owner of an existing
   * address, and this floor hides the difference (about 10 ms on PostgreSQL).
   */
  registrationWriteMinimumDuration: 80,
  /** « Renvoyer le mail de confirmation » answers no sooner than this, whoever the address is. */
  confirmationResendMinimumDuration: 60,
  /** « Mon compte »: password changes tried per account, wrong current passwords included. */
  passwordChangeAttemptsPerAccount: 5,
  passwordChangeRateLimitWindow: minutes(15),
  /** User guide §2.1: lifetime of the email confirmation link. */
  emailConfirmationTtl: days(7),
  /** User guide §3.5: lifetime of the unlock link. */
  unlockTtl: hours(24),
  /** User guide §3.4: idle time after which the session ends. */
  sessionIdleTimeout: minutes(30),
  /** Absolute session lifetime, whatever the activity (ASVS 7.3.2). */
  sessionAbsoluteTimeout: hours(12),
  /** With JavaScript, a dialog offers « Rester connecté » this long before the idle timeout ends the session. */
  sessionExpiryWarning: minutes(2),
  /** A form posted after the session expired is kept this long for the login that follows (never its passwords). */
  savedFormTtl: minutes(15),
  /** Largest form kept that way (its fields as JSON, in characters); a larger one is not kept. */
  savedFormMaximumLength: 16_000,
  /** User guide §2.1: password composition; the length is counted in Unicode code points. */
  passwordMinimumLength: 8,
  /** Longest password accepted: a bound on hashing cost (long-password denial of service). */
  passwordMaximumLength: 256,
  /** User guide §2.1: window over which registrations and confirmation-email resends are counted. */
  registrationRateWindow: hours(1),
  /** Registrations per client address per window (generous: a hospital's staff share one address behind its proxy). */
  registrationsPerAddress: 30,
  /** Registrations per email address per window: each one emails that address (no mailbox flooding). */
  registrationsPerEmail: 5,
  /** « Renvoyer l'email de confirmation » (user guide §5): requests per client address per window. */
  confirmationResendsPerAddress: 30,
  /** « Renvoyer l'email de confirmation »: requests per email address per window. */
  confirmationResendsPerEmail: 3,
  /** Presentation: access rights are reviewed at least once a year. */
  accessReviewInterval: days(365),
  /** Access review: account managers get a reminder when reviews are still due this long after the first email. */
  accessReviewReminderDelay: days(30),
  /**
   * Activation digest (README « Operations »): an account manager receives at most one digest of the accounts of
   * their hospitals waiting for activation per interval (`npm run cli -- send-activation-digests`).
   */
  activationDigestInterval: days(1),
  /**
   * `daily-tasks` deletes the rows nothing can use any more this long after they became unusable:
   * expired sessions (they hold an IP address and a browser description), used or expired link
   * tokens, abandoned login attempts. A day keeps « Session expirée » and the way back to the
   * page for a browser left open overnight.
   */
  expiredRowRetention: days(1),
  /**
   * `daily-tasks` deletes rate-limit counters whose window started this long ago. Must stay longer
   * than every rate-limit window above (the longest is an hour), so no limit loses a hit it counts.
   */
  rateLimitRetention: days(1),
  /** Rows deleted per statement by those purges: short statements, no long lock on a busy table. */
  purgeBatchSize: 1000,
  /**
   * OpenID Connect provider (features/openid-provider). Access tokens are opaque and checked
   * against the database at each use; short, as Keycloak's default (5 minutes), so that a
   * relying party asks again (refresh) and sees a site change soon.
   */
  oidcAccessTokenTtl: minutes(5),
  /** ID tokens: read once by the relying party at sign-in. */
  oidcIdTokenTtl: minutes(5),
  /** Authorization codes: exchanged at once by the relying party's server. */
  oidcAuthorizationCodeTtl: minutes(1),
  /** A sign-in through a relying party (the interaction) must finish within this. */
  oidcInteractionTtl: minutes(30),
  /** A retired signing key stays in the JWKS this long: longer than any ID or logout token it signed. */
  oidcRetiredKeyPublication: days(1),
  /** Instances re-read the keys this often, so a rotation reaches every one. */
  oidcKeyReloadInterval: minutes(1),
  /** Back-channel logouts are tried this many times (with back-off) before being marked failed. */
  oidcLogoutMaximumAttempts: 10,
  /** Audit trail retention, in calendar months (env AUDIT_RETENTION_MONTHS); older events are purged by the CLI. */
  auditRetentionMonths: 12,
  /**
   * The in-process scheduler (daily-tasks.ts): the instance running the daily tasks holds a lease
   * this long and renews it every third of it. An instance that dies mid-run is replaced by
   * another within this time plus one takeover check (every 30 s).
   */
  dailyTasksLeaseTtl: minutes(2),
  /** Instances that may take the day's run (the first and its takeovers): a failing task is not retried forever. */
  dailyTasksMaximumAttempts: 3,
} as const

export type Rules = { -readonly [K in keyof typeof defaultRules]: number }

export interface AppConfig {
  port: number
  host: string
  appBaseUrl: string
  databaseUrl: string | undefined
  sqliteFile: string
  smtpUrl: string | undefined
  mailFrom: string
  appName: string
  supportEmail: string
  nodeEnv: 'development' | 'production' | 'test'
  bootstrapSuperadmin: { email: string; password: string } | undefined
  demoData: boolean
  /** Emails kept readable at /dev/mailbox: no SMTP_URL, outside production, on a local address only. */
  devMailbox: boolean
  /** Fastify's trustProxy: the load balancer(s) whose X-Forwarded-For may be believed. */
  trustProxy: boolean | number | string
  logLevel: string
  /** The « fiches patients » demo application (demo/fiches-patients), linked from the home page; never in production. */
  demoRpUrl: string | undefined
  /**
   * When every instance fires the daily tasks (Europe/Paris time, "HH:MM:SS"); one instance runs
   * them for the whole deployment. Undefined with DAILY_TASKS_AT=off (cron runs the CLI instead).
   */
  dailyTasksAt: string | undefined
  /** Bearer token that opens GET /metrics on the application's port; undefined: no such route. */
  metricsToken: string | undefined
  /** Port of a metrics-only listener bound to 127.0.0.1 (no token); undefined: none. */
  metricsPort: number | undefined
  rules: Rules
}

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Configuration invalide :\n  - ${problems.join('\n  - ')}`)
  }
}

type Env = Record<string, string | undefined>

/**
 * The environment variables, as a TypeBox schema read by TypeBox's own validator (types, bounds,
 * defaults that depend on nothing else). Not env-schema: it builds an Ajv instance (its
 * meta-schemas compiled) when imported, a tenth of the start-up, for some twenty variables. The
 * defaults that depend on another variable (HOST, APP_BASE_URL, MAIL_FROM, DEMO_DATA, LOG_LEVEL)
 * and the checks across variables are in loadConfig.
 */
const environmentSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], { default: 'development' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.Optional(Type.String()),
  APP_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^/?#\\s]+' })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  SQLITE_FILE: Type.Optional(Type.String()),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://[^/]+' })),
  APP_NAME: Type.String({ default: 'BaMaRa' }),
  MAIL_FROM: Type.Optional(Type.String()),
  SUPPORT_EMAIL: Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', default: 'support.bamara@aphp.fr' }),
  BOOTSTRAP_SUPERADMIN_EMAIL: Type.Optional(Type.String()),
  BOOTSTRAP_SUPERADMIN_PASSWORD: Type.Optional(Type.String()),
  DEMO_DATA: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0')])),
  TRUST_PROXY: Type.Optional(Type.String({ pattern: '^(\\d{1,2}|[0-9a-fA-F.:/]+(\\s*,\\s*[0-9a-fA-F.:/]+)*)$' })),
  SESSION_IDLE_TIMEOUT_MINUTES: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 60 })),
  SESSION_ABSOLUTE_TIMEOUT_HOURS: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 7 })),
  AUDIT_RETENTION_MONTHS: Type.Optional(Type.Integer({ minimum: 1, maximum: 120 })),
  LOG_LEVEL: Type.Optional(Type.String()),
  DEMO_RP_URL: Type.Optional(Type.String({ pattern: '^https?://[^/?#\\s]+' })),
  DAILY_TASKS_AT: Type.String({ pattern: '^(off|([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d)?)$', default: '03:00' }),
  // Compared in constant time; a short token could be guessed by trying.
  METRICS_TOKEN: Type.Optional(Type.String({ pattern: '^[\\x21-\\x7e]{32,}$' })),
  METRICS_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
})
type Environment = Static<typeof environmentSchema>
type Variable = keyof Environment

const between = (name: string, min: number, max: number) => (received: string) =>
  `${name} doit être un nombre entier entre ${min} et ${max} (reçu « ${received} »)`

/** What to tell the operator when a variable does not match the schema (the value received is quoted). */
const problemWith: Partial<Record<Variable, (received: string) => string>> = {
  NODE_ENV: (received) => `NODE_ENV doit valoir development, production ou test (reçu « ${received} »)`,
  PORT: (received) => `PORT doit être un nombre entre 0 et 65535 (reçu « ${received} »)`,
  APP_BASE_URL: (received) => `APP_BASE_URL doit être une adresse http(s) complète (reçu « ${received} »)`,
  DATABASE_URL: () => 'DATABASE_URL doit commencer par postgres:// (laissez-la vide pour SQLite)',
  SMTP_URL: () => 'SMTP_URL doit être de la forme smtp://hôte:port ou smtps://hôte:port',
  SUPPORT_EMAIL: () => 'SUPPORT_EMAIL doit être une adresse email',
  DEMO_DATA: (received) => `DEMO_DATA doit valoir true ou false (reçu « ${received} »)`,
  TRUST_PROXY: (received) => `TRUST_PROXY doit être un nombre de relais (ex. 1) ou une liste d'adresses IP/CIDR (reçu « ${received} »)`,
  SESSION_IDLE_TIMEOUT_MINUTES: between('SESSION_IDLE_TIMEOUT_MINUTES', 1, 24 * 60),
  SESSION_ABSOLUTE_TIMEOUT_HOURS: between('SESSION_ABSOLUTE_TIMEOUT_HOURS', 1, 24 * 7),
  AUDIT_RETENTION_MONTHS: between('AUDIT_RETENTION_MONTHS', 1, 120),
  DEMO_RP_URL: (received) => `DEMO_RP_URL doit être une adresse http(s) complète (reçu « ${received} »)`,
  DAILY_TASKS_AT: (received) => `DAILY_TASKS_AT doit être une heure HH:MM (heure de Paris) ou off (reçu « ${received} »)`,
  METRICS_TOKEN: () => 'METRICS_TOKEN doit compter au moins 32 caractères visibles, sans espace (ex. : openssl rand -hex 32)',
  METRICS_PORT: between('METRICS_PORT', 1, 65535),
}

/** Reads and validates the environment; throws ConfigError listing every wrong value at once. */
export function loadConfig (env: Env = process.env): AppConfig {
  // A variable set to blanks counts as unset (as in a .env file with « NAME= »); the password is
  // taken as typed.
  const given: Record<string, string> = {}
  for (const name of Object.keys(environmentSchema.properties)) {
    const text = name === 'BOOTSTRAP_SUPERADMIN_PASSWORD' ? env[name] : env[name]?.trim()
    if (text !== undefined && text !== '') given[name] = text
  }
  // The wrong variables are noted, then read again without them (their defaults), so that the
  // checks across variables run too and the message lists every problem at once.
  const wrong = schemaProblems(given)
  const problems = [...wrong.keys()].map((name) => (problemWith[name] ?? ((received: string) => `${name} invalide (reçu « ${received} »)`))(given[name] ?? ''))
  for (const name of wrong.keys()) delete given[name]
  const read = readEnvironment(given)
  if (!Value.Check(environmentSchema, read)) throw new Error('the environment without its wrong variables still fails its schema')
  const e: Environment = read
  const set = (name: Variable) => !wrong.has(name)

  const production = e.NODE_ENV === 'production'
  const host = e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1')
  const appBaseUrl = (e.APP_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '')
  if (!isHttpUrl(appBaseUrl)) {
    problems.push(problemWith.APP_BASE_URL?.(appBaseUrl) ?? '')
  } else if (production && !appBaseUrl.startsWith('https://')) {
    problems.push('APP_BASE_URL doit être en https en production')
  }

  // Without SMTP, emails (reset links included) are readable at /dev/mailbox: only on the
  // developer's own machine, never on an address others can reach.
  const localOnly = ['127.0.0.1', 'localhost', '::1'].includes(host) && appBaseUrl.startsWith('http://')
  if (!production && e.SMTP_URL === undefined && set('SMTP_URL') && !localOnly) {
    problems.push('SMTP_URL est obligatoire quand HOST ou APP_BASE_URL ne sont pas locaux : la boîte de développement (/dev/mailbox) ne doit pas être exposée')
  }
  if (production && e.SMTP_URL === undefined && set('SMTP_URL')) {
    problems.push('SMTP_URL est obligatoire en production (la boîte de développement y est désactivée)')
  }

  if ((e.BOOTSTRAP_SUPERADMIN_EMAIL === undefined) !== (e.BOOTSTRAP_SUPERADMIN_PASSWORD === undefined)) {
    problems.push('BOOTSTRAP_SUPERADMIN_EMAIL et BOOTSTRAP_SUPERADMIN_PASSWORD vont ensemble')
  }

  const demoData = e.DEMO_DATA === undefined
    ? e.DATABASE_URL === undefined && set('DATABASE_URL') && !production
    : ['true', '1'].includes(e.DEMO_DATA)
  if (demoData && production) problems.push('DEMO_DATA est interdit en production (comptes de démonstration)')
  if (e.DEMO_RP_URL !== undefined && production) problems.push('DEMO_RP_URL est interdit en production (application de démonstration)')

  const trustProxy = e.TRUST_PROXY === undefined ? false : /^\d{1,2}$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY

  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) problems.push('METRICS_PORT doit différer de PORT')
  const dailyTasksAt = e.DAILY_TASKS_AT === 'off' ? undefined : `${e.DAILY_TASKS_AT}:00`.slice(0, 8)

  const rules: Rules = { ...defaultRules }
  if (e.SESSION_IDLE_TIMEOUT_MINUTES !== undefined) rules.sessionIdleTimeout = minutes(e.SESSION_IDLE_TIMEOUT_MINUTES)
  if (e.SESSION_ABSOLUTE_TIMEOUT_HOURS !== undefined) rules.sessionAbsoluteTimeout = hours(e.SESSION_ABSOLUTE_TIMEOUT_HOURS)
  if (e.AUDIT_RETENTION_MONTHS !== undefined) rules.auditRetentionMonths = e.AUDIT_RETENTION_MONTHS

  if (problems.length > 0) throw new ConfigError(problems)
  return {
    port: e.PORT,
    host,
    appBaseUrl,
    databaseUrl: e.DATABASE_URL,
    sqliteFile: e.SQLITE_FILE ?? path.resolve('data', 'bamara.sqlite'),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? `${e.APP_NAME} <no-reply@bamara.localhost>`,
    appName: e.APP_NAME,
    supportEmail: e.SUPPORT_EMAIL,
    nodeEnv: e.NODE_ENV,
    bootstrapSuperadmin: e.BOOTSTRAP_SUPERADMIN_EMAIL !== undefined && e.BOOTSTRAP_SUPERADMIN_PASSWORD !== undefined
      ? { email: e.BOOTSTRAP_SUPERADMIN_EMAIL, password: e.BOOTSTRAP_SUPERADMIN_PASSWORD }
      : undefined,
    demoData,
    devMailbox: e.SMTP_URL === undefined && !production,
    trustProxy,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    demoRpUrl: e.DEMO_RP_URL?.replace(/\/+$/, ''),
    dailyTasksAt,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    rules,
  }
}

/** The environment as the schema reads it: integers read from their text, defaults filled. */
function readEnvironment (given: Record<string, string>): Record<string, unknown> {
  const values: Record<string, unknown> = { ...given }
  for (const [name, schema] of Object.entries(environmentSchema.properties) as Array<[string, TSchema]>) {
    const text = given[name]
    // As JSON Schema validators coerce (Ajv's coerceTypes, which env-schema used): a text that is
    // a whole number becomes that number; anything else stays text, and the type check refuses it.
    if (schema.type === 'integer' && text !== undefined && text !== '' && Number.isInteger(Number(text))) values[name] = Number(text)
  }
  return Value.Default(environmentSchema, values) as Record<string, unknown>
}

/** The variables whose value the schema refuses (each once, in the schema's order). */
function schemaProblems (given: Record<string, string>): Set<Variable> {
  const names = new Set([...Value.Errors(environmentSchema, readEnvironment(given))].map((e) => e.path.split('/')[1]))
  return new Set((Object.keys(environmentSchema.properties) as Variable[]).filter((name) => names.has(name)))
}

function isHttpUrl (text: string) {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
