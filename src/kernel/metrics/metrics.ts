/**
 * Metrics for the operators' Prometheus (docs/deployment.md lists each one). The counters and
 * histograms belong to the process (prom-client's model): the kernel and the flows call the
 * small `count…`/`observe…` functions below, each named for what it measures. What must be read
 * from the database at scrape time (the outbox, the last daily run) and the pool of one app's
 * connections are gauges of that app (`createAppMetrics`).
 *
 * No personal data in any label: a route is its pattern (`/gestion/comptes/:id`), never the URL;
 * outcomes and email templates are words of a closed list; no email, no account id, no address.
 */
import { timingSafeEqual, createHash } from 'node:crypto'
import client from 'prom-client'

const processRegistry = new client.Registry()
let defaultsCollected = false

/** The process's counters and histograms, each in the process registry (prom-client's model). */
function processCounter<L extends string> (name: string, help: string, labelNames: readonly L[]) {
  return new client.Counter({ name, help, labelNames, registers: [processRegistry] })
}
function processHistogram<L extends string> (name: string, help: string, labelNames: readonly L[], buckets: number[]) {
  return new client.Histogram({ name, help, labelNames, buckets, registers: [processRegistry] })
}

const requestDuration = processHistogram(
  'bamara_http_request_duration_seconds',
  'Durée des réponses HTTP, par route (motif, jamais l’adresse demandée) et statut',
  ['method', 'route', 'status'],
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
)

/** Password step outcomes (user guide §3.1–3.2, §3.5). */
export type LoginOutcome = 'codeSent' | 'refused' | 'locked' | 'statusPage'
const logins = processCounter(
  'bamara_logins_total',
  'Étapes « mot de passe » de la connexion, par issue : codeSent, refused, locked (cette tentative a verrouillé le compte), statusPage',
  ['outcome'],
)

export type EmailOutcome = 'sent' | 'retried' | 'failed'
const emails = processCounter(
  'bamara_emails_total',
  'Emails de la file d’envoi, par modèle (oneTimeCode : codes de connexion) et issue : sent, retried (échec, nouvel essai prévu), failed (abandonné)',
  ['template', 'outcome'],
)

export type HashOperation = 'hash' | 'verify'
const hashWait = processHistogram(
  'bamara_password_hash_queue_wait_seconds',
  'Attente d’un emplacement de calcul argon2id (file bornée au nombre de cœurs)',
  ['operation'],
  [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
)
const hashDuration = processHistogram(
  'bamara_password_hash_duration_seconds',
  'Durée d’un calcul argon2id (hachage ou vérification)',
  ['operation'],
  [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
)

export type DailyTasksOutcome = 'done' | 'failed'
const dailyRuns = processCounter(
  'bamara_daily_tasks_runs_total',
  'Exécutions des tâches quotidiennes par cette instance, par issue : done, failed',
  ['outcome'],
)

export function observeRequest (method: string, route: string, status: number, seconds: number): void {
  requestDuration.observe({ method, route, status: String(status) }, seconds)
}

export function countLogin (outcome: LoginOutcome): void {
  logins.inc({ outcome })
}

export function countEmail (template: string, outcome: EmailOutcome): void {
  emails.inc({ template, outcome })
}

export function observePasswordHashWait (operation: HashOperation, seconds: number): void {
  hashWait.observe({ operation }, seconds)
}

export function observePasswordHash (operation: HashOperation, seconds: number): void {
  hashDuration.observe({ operation }, seconds)
}

export function countDailyTasksRun (outcome: DailyTasksOutcome): void {
  dailyRuns.inc({ outcome })
}

/** The process defaults: CPU, memory, heap, file descriptors, GC, event-loop lag (nodejs_eventloop_lag_*). Once per process. */
export function collectProcessMetrics (): void {
  if (defaultsCollected) return
  client.collectDefaultMetrics({ register: processRegistry })
  defaultsCollected = true
}

/** What one app's gauges read when scraped. */
export interface AppMetricSources {
  /** Emails not sent yet (due, or waiting for a retry), the age in seconds of the oldest one (0 when none), those given up. */
  outbox: () => Promise<{ pending: number; oldestPendingAgeSeconds: number; failed: number }>
  /** Audit events written but not sealed yet, and the age in seconds of the oldest one (0 when none). */
  unsealedAudit: () => Promise<{ events: number; oldestAgeSeconds: number }>
  /** When the daily tasks last finished anywhere in the deployment (ms), if ever. */
  lastDailyRun: () => Promise<number | undefined>
  /** PostgreSQL pool: connections checked out and requests waiting for one (undefined on SQLite). */
  pool: (() => { inUse: number; waiting: number }) | undefined
}

/** The gauges of one app, registered in a registry of its own (tests build several apps per process). */
export function createAppMetrics (sources: AppMetricSources) {
  const registry = new client.Registry()
  const gauge = (name: string, help: string, read: () => Promise<number>) =>
    new client.Gauge({ name, help, registers: [registry], async collect () { this.set(await read()) } })
  // Each source is read once per scrape by its gauges.
  let backlog: ReturnType<AppMetricSources['outbox']> | undefined
  let unsealed: ReturnType<AppMetricSources['unsealedAudit']> | undefined
  const outbox = () => (backlog ??= sources.outbox())
  const unsealedAudit = () => (unsealed ??= sources.unsealedAudit())
  gauge('bamara_outbox_pending_emails', 'Emails pas encore envoyés ni abandonnés (dus, ou en attente d’un nouvel essai)',
    async () => (await outbox()).pending)
  gauge('bamara_outbox_oldest_pending_age_seconds', 'Âge du plus ancien email pas encore envoyé ni abandonné (0 si aucun)',
    async () => (await outbox()).oldestPendingAgeSeconds)
  gauge('bamara_outbox_failed_emails', 'Emails abandonnés après tous leurs essais (statut failed), en base',
    async () => (await outbox()).failed)
  gauge('bamara_audit_unsealed_events', 'Événements du journal d’audit écrits mais pas encore scellés dans la chaîne (scellés en une seconde environ)',
    async () => (await unsealedAudit()).events)
  gauge('bamara_audit_oldest_unsealed_age_seconds', 'Âge du plus ancien événement d’audit pas encore scellé (0 si aucun) : au-delà de quelques secondes, le scellement est arrêté',
    async () => (await unsealedAudit()).oldestAgeSeconds)
  gauge('bamara_daily_tasks_last_finished_timestamp_seconds', 'Fin de la dernière exécution des tâches quotidiennes, toutes instances confondues (0 si jamais)',
    async () => ((await sources.lastDailyRun()) ?? 0) / 1000)
  const pool = sources.pool
  if (pool) {
    new client.Gauge({
      name: 'bamara_db_pool_connections',
      help: 'Connexions PostgreSQL du pool de cette instance : in_use (empruntées), waiting (requêtes en attente d’une connexion)',
      labelNames: ['state'] as const,
      registers: [registry],
      collect () {
        const now = pool()
        this.set({ state: 'in_use' }, now.inUse)
        this.set({ state: 'waiting' }, now.waiting)
      },
    })
  }

  return {
    contentType: processRegistry.contentType,
    /** The exposition text: the process's metrics (defaults included) and this app's gauges. */
    async render (): Promise<string> {
      backlog = undefined
      unsealed = undefined
      return client.Registry.merge([processRegistry, registry]).metrics()
    },
  }
}

/** Constant-time check of `Authorization: Bearer <token>` (digests first: equal lengths, nothing learnt from timing). */
export function isMetricsTokenValid (authorization: string | undefined, token: string): boolean {
  const match = /^Bearer ([\x21-\x7e]+)$/i.exec(authorization ?? '')
  const sent = createHash('sha256').update(match?.[1] ?? '').digest()
  const expected = createHash('sha256').update(token).digest()
  return timingSafeEqual(sent, expected) && match !== null
}
