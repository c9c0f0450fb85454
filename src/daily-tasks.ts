/**
 * The daily tasks (audit retention, expired rows, access-review emails, activation digests) and
 * the scheduler that runs them inside the server, so that `npm start` needs no cron.
 *
 * Every instance fires at DAILY_TASKS_AT (Europe/Paris, croner); the day's lease
 * (kernel/db/task-lease.ts) lets one of them run the tasks for the whole deployment. The holder
 * renews its lease while it works; if it dies, the lease expires and the next instance's
 * takeover check (every 30 s) runs the tasks again. Each task is idempotent (an email already
 * sent or a row already purged is not touched twice), so a run taken over halfway is safe.
 * `npm run cli -- daily-tasks` runs the same list without a lease, for operators who keep cron
 * (DAILY_TASKS_AT=off).
 */
import os from 'node:os'
import { randomBytes } from 'node:crypto'
import { Cron } from 'croner'
import type { FastifyBaseLogger } from 'fastify'
import type { AppConfig } from './config.ts'
import type { Db } from './kernel/db/database.ts'
import { purgeExpiredRows, type PurgeReport } from './kernel/db/expired-rows.ts'
import { claimTaskLease, finishTaskLease, releaseTaskLease, renewTaskLease, takeOverExpiredTaskLease, type LeaseClaim } from './kernel/db/task-lease.ts'
import { flowContext } from './kernel/flow-context.ts'
import { countDailyTasksRun } from './kernel/metrics/metrics.ts'
import { purgeAuditEvents, type PurgeResult } from './features/audit/index.ts'
import { sendAccessReviewNotifications, type NotificationSummary } from './features/access-review/index.ts'
import { sendActivationDigests, type DigestReport } from './features/activation-digest/index.ts'

export const dailyTasksName = 'daily-tasks'
const timeZone = 'Europe/Paris'

export interface DailyTasksReport {
  audit: PurgeResult
  expired: PurgeReport
  reviews: NotificationSummary
  digests: DigestReport
}

/** The tasks, in order; the first that throws stops the run (the lease is then given back). */
export async function runDailyTasks (db: Db, config: AppConfig, now: number): Promise<DailyTasksReport> {
  // One run decides as of one instant: the tasks see the time the run started.
  const ctx = flowContext(db, config, () => now)
  const audit = await purgeAuditEvents(ctx)
  const expired = await purgeExpiredRows(db, config.rules, now)
  const reviews = await sendAccessReviewNotifications(ctx)
  const digests = await sendActivationDigests(ctx)
  return { audit, expired, reviews, digests }
}

const parisParts = new Intl.DateTimeFormat('en-CA', {
  timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
})

/** The day whose run is due at `at`: today in Paris once DAILY_TASKS_AT has passed, else yesterday. */
export function dueDay (at: number, timeOfDay: string): string {
  const parts = Object.fromEntries(parisParts.formatToParts(at).map((p) => [p.type, p.value]))
  const day = `${parts.year}-${parts.month}-${parts.day}`
  if (`${parts.hour}:${parts.minute}:${parts.second}` >= timeOfDay) return day
  const yesterday = new Date(`${day}T12:00:00Z`)
  yesterday.setUTCDate(yesterday.getUTCDate() - 1)
  return yesterday.toISOString().slice(0, 10)
}

/** A timer may fire a moment before its time: the scheduled run still counts for the day it was meant for. */
const scheduledFiringMargin = 30_000

export type RunAttempt = 'ran' | 'heldElsewhere' | 'failed'

export interface SchedulerOptions {
  db: Db
  config: AppConfig
  now: () => number
  log: FastifyBaseLogger
}

export class DailyTasksScheduler {
  /** This instance, as named in the lease table: host, process, and a random part (several apps per process in tests). */
  readonly holder = `${os.hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`
  private jobs: Cron[] = []
  private running: Promise<RunAttempt> | undefined

  constructor (private readonly options: SchedulerOptions) {}

  /** The croner pattern firing at DAILY_TASKS_AT ("ss mm hh * * *"), or undefined when off. */
  get pattern (): string | undefined {
    const at = this.options.config.dailyTasksAt
    if (at === undefined) return undefined
    const [hour, minute, second] = at.split(':')
    return `${Number(second)} ${Number(minute)} ${Number(hour)} * * *`
  }

  start (): void {
    const pattern = this.pattern
    if (pattern === undefined) return
    const common = { timezone: timeZone, protect: true, unref: true, catch: (error: unknown) => this.options.log.error({ err: error }, 'daily tasks scheduler failed') }
    this.jobs.push(new Cron(pattern, common, async () => { await this.runIfDue('scheduled') }))
    this.jobs.push(new Cron('*/30 * * * * *', common, async () => { await this.runIfDue('takeover') }))
  }

  /** When the daily tasks fire next (croner's answer), for the log and the tests. */
  nextRun (): Date | null {
    return this.jobs[0]?.nextRun() ?? null
  }

  /**
   * Runs the due day's tasks if this instance gets the lease. 'scheduled' (at DAILY_TASKS_AT)
   * claims a new lease or an expired one; 'takeover' (the 30-second check) only an expired one,
   * so an instance started after the run does not start one of its own.
   */
  runIfDue (mode: 'scheduled' | 'takeover'): Promise<RunAttempt> {
    this.running ??= this.attempt(mode).finally(() => { this.running = undefined })
    return this.running
  }

  private async attempt (mode: 'scheduled' | 'takeover'): Promise<RunAttempt> {
    const { db, config, now, log } = this.options
    const timeOfDay = config.dailyTasksAt ?? '03:00:00'
    const ttl = config.rules.dailyTasksLeaseTtl
    // Fired at DAILY_TASKS_AT, the run is that day's even if the timer fired a little early.
    const at = now()
    const first: LeaseClaim = { task: dailyTasksName, day: dueDay(mode === 'scheduled' ? at + scheduledFiringMargin : at, timeOfDay), holder: this.holder, now: at, ttl }
    const won = mode === 'scheduled'
      ? await claimTaskLease(db, first, config.rules.dailyTasksMaximumAttempts)
      : await takeOverExpiredTaskLease(db, first, config.rules.dailyTasksMaximumAttempts)
    if (!won) return 'heldElsewhere'

    const lease = { ...first }
    const heartbeat = setInterval(() => {
      renewTaskLease(db, { ...lease, now: now() }).then(
        (kept) => { if (!kept) log.warn({ day: lease.day }, 'daily tasks lease lost to another instance') },
        (error: unknown) => log.warn({ err: error }, 'daily tasks lease not renewed'))
    }, ttl / 3)
    heartbeat.unref()
    log.info({ day: lease.day, holder: this.holder, mode }, 'daily tasks started')
    try {
      const report = await runDailyTasks(db, config, now())
      await finishTaskLease(db, { ...lease, now: now() })
      countDailyTasksRun('done')
      log.info({ day: lease.day, report }, 'daily tasks done')
      return 'ran'
    } catch (error) {
      countDailyTasksRun('failed')
      log.error({ err: error, day: lease.day }, 'daily tasks failed; another attempt after the takeover check')
      await releaseTaskLease(db, { ...lease, now: now() }).catch(() => {})
      return 'failed'
    } finally {
      clearInterval(heartbeat)
    }
  }

  /** Stops firing and waits for a run in progress (on SIGTERM; the graceful-shutdown bound still applies). */
  async stop (): Promise<void> {
    for (const job of this.jobs) job.stop()
    this.jobs = []
    await this.running
  }
}
