import { describe, expect, it } from 'vitest'
import { ConfigError, defaultRules, hours, loadConfig, minutes } from './config.ts'

function problemsOf (env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe('configuration (environment variables, README « Configuration »)', () => {
  it('starts with the embedded database, the dev mailbox and demo data by default', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.databaseUrl).toBeUndefined()
    expect(config.smtpUrl).toBeUndefined()
    expect(config.demoData).toBe(true)
    expect(config.appName).toBe('BaMaRa')
    expect(config.rules).toEqual(defaultRules)
  })

  it('turns demo data off by default with PostgreSQL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).demoData).toBe(false)
  })

  it('lists every wrong value at once, in French', () => {
    const problems = problemsOf({ PORT: 'abc', APP_BASE_URL: 'ftp://x', DATABASE_URL: 'mysql://x', SMTP_URL: 'http://x', NODE_ENV: 'prod', DEMO_DATA: 'peut-être' })
    expect(problems).toHaveLength(6)
    expect(problems.join('\n')).toMatch(/PORT doit être un nombre/)
    expect(problems.join('\n')).toMatch(/APP_BASE_URL doit être une adresse http/)
  })

  it('refuses production without https, without SMTP, or with demo data', () => {
    const problems = problemsOf({ NODE_ENV: 'production', APP_BASE_URL: 'http://bamara.example', DEMO_DATA: 'true', DATABASE_URL: 'postgres://u@h/db' })
    expect(problems.join('\n')).toMatch(/https en production/)
    expect(problems.join('\n')).toMatch(/SMTP_URL est obligatoire/)
    expect(problems.join('\n')).toMatch(/DEMO_DATA est interdit en production/)
  })

  it('reads DEMO_RP_URL (the demo application linked from the home page): an http(s) address, never in production', () => {
    expect(loadConfig({ DEMO_RP_URL: 'http://localhost:3100/' }).demoRpUrl).toBe('http://localhost:3100')
    expect(loadConfig({}).demoRpUrl).toBeUndefined()
    expect(problemsOf({ DEMO_RP_URL: 'javascript:alert(1)' }).join('\n')).toMatch(/DEMO_RP_URL doit être une adresse http\(s\) complète/)
    expect(problemsOf({ NODE_ENV: 'production', APP_BASE_URL: 'https://bamara.example', SMTP_URL: 'smtp://mail:25', DATABASE_URL: 'postgres://u@h/db', DEMO_RP_URL: 'https://fiches.example' }))
      .toEqual(['DEMO_RP_URL est interdit en production (application de démonstration)'])
  })

  it('requires the bootstrap email and password together', () => {
    expect(problemsOf({ BOOTSTRAP_SUPERADMIN_EMAIL: 'admin@chu.fr' })).toHaveLength(1)
    const config = loadConfig({ BOOTSTRAP_SUPERADMIN_EMAIL: 'admin@chu.fr', BOOTSTRAP_SUPERADMIN_PASSWORD: 'Un-Mot-De-Passe-7' })
    expect(config.bootstrapSuperadmin?.email).toBe('admin@chu.fr')
  })

  it('makes the session timeouts configurable, within bounds', () => {
    const config = loadConfig({ SESSION_IDLE_TIMEOUT_MINUTES: '15', SESSION_ABSOLUTE_TIMEOUT_HOURS: '8' })
    expect(config.rules.sessionIdleTimeout).toBe(minutes(15))
    expect(config.rules.sessionAbsoluteTimeout).toBe(hours(8))
    expect(problemsOf({ SESSION_IDLE_TIMEOUT_MINUTES: '0' })).toHaveLength(1)
  })

  it('keeps the dev mailbox on the developer\'s machine only', () => {
    expect(loadConfig({}).devMailbox).toBe(true)
    expect(loadConfig({ SMTP_URL: 'smtp://mail:25' }).devMailbox).toBe(false)
    expect(problemsOf({ HOST: '0.0.0.0' }).join('\n')).toMatch(/SMTP_URL est obligatoire quand HOST/)
    expect(problemsOf({ APP_BASE_URL: 'https://bamara.example' }).join('\n')).toMatch(/SMTP_URL est obligatoire/)
    expect(problemsOf({ HOST: '0.0.0.0', SMTP_URL: 'smtp://mail:25' })).toEqual([])
  })

  it('reads a blank variable as unset, and names a wrong variable once, without knock-on problems', () => {
    expect(loadConfig({ PORT: '  ', SMTP_URL: '' }).port).toBe(3000)
    // A malformed SMTP_URL in production is one problem (not also « SMTP_URL est obligatoire »).
    expect(problemsOf({ NODE_ENV: 'production', APP_BASE_URL: 'https://bamara.example', DATABASE_URL: 'postgres://u@h/db', SMTP_URL: 'http://x' }))
      .toEqual(['SMTP_URL doit être de la forme smtp://hôte:port ou smtps://hôte:port'])
    expect(problemsOf({ AUDIT_RETENTION_MONTHS: '121', SESSION_ABSOLUTE_TIMEOUT_HOURS: 'x' })).toEqual([
      'SESSION_ABSOLUTE_TIMEOUT_HOURS doit être un nombre entier entre 1 et 168 (reçu « x »)',
      'AUDIT_RETENTION_MONTHS doit être un nombre entier entre 1 et 120 (reçu « 121 »)',
    ])
  })

  it('believes X-Forwarded-For only from the configured proxies', () => {
    expect(loadConfig({}).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1)
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.2' }).trustProxy).toBe('10.0.0.0/8, 192.168.1.2')
    expect(problemsOf({ TRUST_PROXY: 'true; rm -rf' }).join('\n')).toMatch(/TRUST_PROXY/)
  })

  it('fires the daily tasks at 03:00 by default, at DAILY_TASKS_AT (HH:MM, Paris time) or never (off)', () => {
    expect(loadConfig({}).dailyTasksAt).toBe('03:00:00')
    expect(loadConfig({ DAILY_TASKS_AT: '22:15' }).dailyTasksAt).toBe('22:15:00')
    expect(loadConfig({ DAILY_TASKS_AT: 'off' }).dailyTasksAt).toBeUndefined()
    expect(problemsOf({ DAILY_TASKS_AT: '25:00' }).join('\n')).toMatch(/DAILY_TASKS_AT doit être une heure HH:MM/)
    expect(problemsOf({ DAILY_TASKS_AT: '3h' })).toHaveLength(1)
  })

  it('serves no metrics unless METRICS_TOKEN (32 characters or more) or METRICS_PORT is set', () => {
    const config = loadConfig({})
    expect(config.metricsToken).toBeUndefined()
    expect(config.metricsPort).toBeUndefined()
    expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(32), METRICS_PORT: '9464' })).toMatchObject({ metricsToken: 'a'.repeat(32), metricsPort: 9464 })
    expect(problemsOf({ METRICS_TOKEN: 'court' }).join('\n')).toMatch(/METRICS_TOKEN doit compter au moins 32 caractères/)
    expect(problemsOf({ METRICS_PORT: '3000' }).join('\n')).toMatch(/METRICS_PORT doit différer de PORT/)
    expect(problemsOf({ METRICS_PORT: 'neuf' }).join('\n')).toMatch(/METRICS_PORT doit être un nombre/)
  })
})
