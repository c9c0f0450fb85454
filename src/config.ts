/**
 * Configuration: the environment variables (validated once, at start) and the rules block.
 * Every number the guide gives lives in `defaultRules`, once, beside its source. Tests build the
 * app with `{ ...defaultRules, … }` overrides instead of patching modules.
 */
import path from 'node:path'

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
   * Issue 4 « Notifications »: an account manager receives at most one digest of the accounts of
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
  /**
   * Refresh tokens rotate at each use (a reused one revokes its whole family) and die with the
   * provider's session, which lasts as the portal session at most (sessionAbsoluteTimeout).
   */
  oidcRefreshTokenTtl: hours(12),
  /** A retired signing key stays in the JWKS this long: longer than any ID or logout token it signed. */
  oidcRetiredKeyPublication: days(1),
  /** Instances re-read the keys this often, so a rotation reaches every one. */
  oidcKeyReloadInterval: minutes(1),
  /** Back-channel logouts are tried this many times (with back-off) before being marked failed. */
  oidcLogoutMaximumAttempts: 10,
  /** Audit trail retention, in calendar months (env AUDIT_RETENTION_MONTHS); older events are purged by the CLI. */
  auditRetentionMonths: 12,
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
  rules: Rules
}

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Configuration invalide :\n  - ${problems.join('\n  - ')}`)
  }
}

type Env = Record<string, string | undefined>

/** Reads and validates the environment; throws ConfigError listing every wrong value at once. */
export function loadConfig (env: Env = process.env): AppConfig {
  const problems: string[] = []
  const value = (name: string) => {
    const v = env[name]?.trim()
    return v === '' ? undefined : v
  }

  const nodeEnv = value('NODE_ENV') ?? 'development'
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    problems.push(`NODE_ENV doit valoir development, production ou test (reçu « ${nodeEnv} »)`)
  }
  const production = nodeEnv === 'production'

  const portText = value('PORT') ?? '3000'
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port < 0 || port > 65535) {
    problems.push(`PORT doit être un nombre entre 0 et 65535 (reçu « ${portText} »)`)
  }

  const host = value('HOST') ?? (production ? '0.0.0.0' : '127.0.0.1')
  const appBaseUrl = (value('APP_BASE_URL') ?? `http://localhost:${portText}`).replace(/\/+$/, '')
  if (!isHttpUrl(appBaseUrl)) {
    problems.push(`APP_BASE_URL doit être une adresse http(s) complète (reçu « ${appBaseUrl} »)`)
  } else if (production && !appBaseUrl.startsWith('https://')) {
    problems.push('APP_BASE_URL doit être en https en production')
  }

  const databaseUrl = value('DATABASE_URL')
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL doit commencer par postgres:// (laissez-la vide pour SQLite)')
  }

  const smtpUrl = value('SMTP_URL')
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^/]+/.test(smtpUrl)) {
    problems.push('SMTP_URL doit être de la forme smtp://hôte:port ou smtps://hôte:port')
  }
  // Without SMTP, emails (reset links included) are readable at /dev/mailbox: only on the
  // developer's own machine, never on an address others can reach.
  const localOnly = ['127.0.0.1', 'localhost', '::1'].includes(host) && appBaseUrl.startsWith('http://')
  if (!production && smtpUrl === undefined && !localOnly) {
    problems.push('SMTP_URL est obligatoire quand HOST ou APP_BASE_URL ne sont pas locaux : la boîte de développement (/dev/mailbox) ne doit pas être exposée')
  }
  if (production && smtpUrl === undefined) {
    problems.push('SMTP_URL est obligatoire en production (la boîte de développement y est désactivée)')
  }

  const appName = value('APP_NAME') ?? 'BaMaRa'
  const mailFrom = value('MAIL_FROM') ?? `${appName} <no-reply@bamara.localhost>`
  const supportEmail = value('SUPPORT_EMAIL') ?? 'support.bamara@aphp.fr'
  if (!/^[^@\s]+@[^@\s]+$/.test(supportEmail)) problems.push('SUPPORT_EMAIL doit être une adresse email')

  const bootstrapEmail = value('BOOTSTRAP_SUPERADMIN_EMAIL')
  const bootstrapPassword = env.BOOTSTRAP_SUPERADMIN_PASSWORD
  if ((bootstrapEmail === undefined) !== (bootstrapPassword === undefined || bootstrapPassword === '')) {
    problems.push('BOOTSTRAP_SUPERADMIN_EMAIL et BOOTSTRAP_SUPERADMIN_PASSWORD vont ensemble')
  }

  const demoText = value('DEMO_DATA')
  if (demoText !== undefined && !['true', 'false', '1', '0'].includes(demoText)) {
    problems.push(`DEMO_DATA doit valoir true ou false (reçu « ${demoText} »)`)
  }
  const demoData = demoText === undefined ? databaseUrl === undefined && !production : ['true', '1'].includes(demoText)
  if (demoData && production) problems.push('DEMO_DATA est interdit en production (comptes de démonstration)')

  const trustProxyText = value('TRUST_PROXY')
  let trustProxy: boolean | number | string = false
  if (trustProxyText !== undefined) {
    if (/^\d{1,2}$/.test(trustProxyText)) trustProxy = Number(trustProxyText)
    else if (/^[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*$/.test(trustProxyText)) trustProxy = trustProxyText
    else problems.push(`TRUST_PROXY doit être un nombre de relais (ex. 1) ou une liste d'adresses IP/CIDR (reçu « ${trustProxyText} »)`)
  }

  const rules: Rules = { ...defaultRules }
  const idle = positiveNumber('SESSION_IDLE_TIMEOUT_MINUTES', 1, 24 * 60)
  if (idle !== undefined) rules.sessionIdleTimeout = minutes(idle)
  const absolute = positiveNumber('SESSION_ABSOLUTE_TIMEOUT_HOURS', 1, 24 * 7)
  if (absolute !== undefined) rules.sessionAbsoluteTimeout = hours(absolute)
  const retention = positiveNumber('AUDIT_RETENTION_MONTHS', 1, 120)
  if (retention !== undefined) rules.auditRetentionMonths = retention

  if (problems.length > 0) throw new ConfigError(problems)
  return {
    port,
    host,
    appBaseUrl,
    databaseUrl,
    sqliteFile: value('SQLITE_FILE') ?? path.resolve('data', 'bamara.sqlite'),
    smtpUrl,
    mailFrom,
    appName,
    supportEmail,
    nodeEnv: nodeEnv as AppConfig['nodeEnv'],
    bootstrapSuperadmin: bootstrapEmail !== undefined && bootstrapPassword
      ? { email: bootstrapEmail, password: bootstrapPassword }
      : undefined,
    demoData,
    devMailbox: smtpUrl === undefined && !production,
    trustProxy,
    logLevel: value('LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    rules,
  }

  function positiveNumber (name: string, min: number, max: number): number | undefined {
    const text = value(name)
    if (text === undefined) return undefined
    const n = Number(text)
    if (!/^\d+$/.test(text) || n < min || n > max) {
      problems.push(`${name} doit être un nombre entier entre ${min} et ${max} (reçu « ${text} »)`)
      return undefined
    }
    return n
  }
}

function isHttpUrl (text: string) {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
