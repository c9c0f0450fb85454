/**
 * buildApp(config): the kernel, then each feature in the guide's order. No listen() here:
 * `server.ts` listens, tests use `app.inject` or listen on a random port.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { AppConfig } from './config.ts'
import { openDatabase, isDatabaseReachable } from './kernel/db/database.ts'
import { MailDispatcher } from './kernel/mail/dispatcher.ts'
import { AuditSealer } from './kernel/audit/audit-seal.ts'
import kernel, { type Now } from './kernel/kernel.ts'
import webKernel, { formLimits, lazyValidatorCompiler, schemaErrorFormatter } from './kernel/web/plugin.ts'
import { logRequestSerializer } from './kernel/web/logging.ts'
import metricsPlugin from './kernel/metrics/plugin.ts'
import { prepareDatabase } from './startup.ts'
import { DailyTasksScheduler, dailyTasksName } from './daily-tasks.ts'
import { referenceDataRoutes } from './features/reference-data/index.ts'
import { informationPagesRoutes } from './features/information-pages/index.ts'
import { devMailboxRoutes } from './features/dev-mailbox/index.ts'
import { sessionsPlugin } from './features/sessions/index.ts'
import { registrationRoutes } from './features/registration/index.ts'
import { emailConfirmationRoutes } from './features/email-confirmation/index.ts'
import { loginRoutes } from './features/login/index.ts'
import { lockoutRoutes } from './features/lockout/index.ts'
import { passwordResetRoutes } from './features/password-reset/index.ts'
import { myAccountRoutes } from './features/my-account/index.ts'
import { accountAdministrationRoutes } from './features/account-administration/index.ts'
import { referenceDataAdministrationRoutes } from './features/reference-data-administration/index.ts'
import { auditRoutes } from './features/audit/index.ts'
import { accessReviewConsoleBox, accessReviewRoutes } from './features/access-review/index.ts'
import { clientAdministrationRoutes, clientsConsoleBox, openidProviderRoutes } from './features/openid-provider/index.ts'

export interface BuildOptions {
  /** The clock every rule reads; tests pass a controllable one. */
  now?: Now
  /** Start the mail dispatcher's poll loop (off in tests that drive delivery themselves). */
  startMailDispatcher?: boolean
  mailPollInterval?: number
  /** Fire the daily tasks at DAILY_TASKS_AT (off in tests that call the scheduler themselves). */
  startDailyTasks?: boolean
  /** SQLite: checkpoint the write-ahead log from a worker thread (off in tests: one thread per app). */
  backgroundCheckpoints?: boolean
  /** Seal the audit trail every second (off in tests that seal it themselves). */
  startAuditSealer?: boolean
  auditSealInterval?: number
  /** Where the logs go (tests capture them to search for secrets); stdout by default. */
  logStream?: NodeJS.WritableStream
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The in-process scheduler of the daily tasks (tests drive it through runIfDue). */
    dailyTasks: DailyTasksScheduler
  }
}

export async function buildApp (config: AppConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const now = options.now ?? Date.now
  const handle = openDatabase({
    databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile, backgroundCheckpoints: options.backgroundCheckpoints ?? true,
  })
  const app = Fastify({
    logger: {
      level: config.logLevel,
      serializers: { req: logRequestSerializer },
      redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'], censor: '[masqué]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // A hop count trusts that many proxies in front of the app (Fastify's types want a function).
    trustProxy: typeof config.trustProxy === 'number'
      ? (_address: string, hop: number) => hop < (config.trustProxy as number)
      : config.trustProxy,
    bodyLimit: formLimits.bodyBytes,
    ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false } },
    schemaController: { compilersFactory: { buildValidator: lazyValidatorCompiler() } },
    schemaErrorFormatter,
    return503OnClosing: true,
  })
  const mail = new MailDispatcher({
    db: handle.db,
    smtpUrl: config.smtpUrl,
    mailFrom: config.mailFrom,
    now,
    pollInterval: options.mailPollInterval,
    log: app.log,
  })
  const scheduler = new DailyTasksScheduler({ db: handle.db, config, now, log: app.log })
  app.decorate('dailyTasks', scheduler)
  const sealing = options.startAuditSealer ?? true
  const sealer = new AuditSealer({
    db: handle.db,
    now,
    interval: options.auditSealInterval,
    onError: (error) => app.log.error({ err: error }, 'audit trail sealing failed'),
  })
  app.addHook('onClose', async () => {
    await scheduler.stop()
    await mail.stop()
    if (sealing) await sealer.stop()
    await handle.close()
  })

  try {
    await prepareDatabase(handle.db, config, app.log, now)
  } catch (error) {
    await handle.close()
    throw error
  }

  await app.register(kernel, { db: handle.db, engine: handle.engine, config, now, mail })
  await app.register(webKernel, { config })
  await app.register(metricsPlugin, { config, db: handle.db, now, pool: handle.poolUsage, dailyTask: dailyTasksName })

  // GET /healthz: the process answers. GET /readyz: it can reach its database.
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const ready = await isDatabaseReachable(handle.db)
    return reply.code(ready ? 200 : 503).send({ ready })
  })

  await app.register(sessionsPlugin)
  await app.register(informationPagesRoutes)
  await app.register(referenceDataRoutes)
  await app.register(registrationRoutes)
  await app.register(emailConfirmationRoutes)
  await app.register(loginRoutes)
  await app.register(lockoutRoutes)
  await app.register(passwordResetRoutes)
  await app.register(myAccountRoutes)
  await app.register(accountAdministrationRoutes, { prefix: '/gestion', landingBoxes: [accessReviewConsoleBox, clientsConsoleBox] })
  await app.register(referenceDataAdministrationRoutes, { prefix: '/gestion/referentiel' })
  await app.register(auditRoutes, { prefix: '/gestion/journal' })
  await app.register(accessReviewRoutes, { prefix: '/gestion/revue-des-droits' })
  await app.register(clientAdministrationRoutes, { prefix: '/gestion/applications' })
  await app.register(openidProviderRoutes, { startLogoutDispatcher: options.startMailDispatcher ?? true, pollInterval: options.mailPollInterval })
  if (config.devMailbox) {
    await app.register(devMailboxRoutes, { prefix: '/dev/mailbox' })
  }

  if (options.startMailDispatcher ?? true) app.addHook('onReady', async () => mail.start())
  if (sealing) app.addHook('onReady', async () => sealer.start())
  if (options.startDailyTasks ?? true) {
    app.addHook('onReady', async () => {
      scheduler.start()
      const next = scheduler.nextRun()
      if (next) app.log.info({ next: next.toISOString() }, 'daily tasks scheduled')
    })
  }
  return app
}
