/**
 * The kernel every feature stands on, as decorations of the Fastify instance: the database, the
 * clock, the configuration and rules, and the mail dispatcher. Features never read
 * process.env and never call Date.now(): tests swap the clock and the rules.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { AppConfig, Rules } from '../config.ts'
import type { Db, Engine } from './db/database.ts'
import type { MailDispatcher } from './mail/dispatcher.ts'
import type { MailContext } from './mail/compose.ts'
import { flowContext, type FlowContext } from './flow-context.ts'

/** The time source: Date.now in production, a controllable clock in tests. */
export type Now = () => number

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    engine: Engine
    config: AppConfig
    rules: Rules
    now: Now
    mail: MailDispatcher
    mailContext: MailContext
    /** The context every flow takes first (kernel/flow-context.ts). */
    flow: FlowContext
    /** Every route registered ("METHOD /path"), for tests that must cover them all. */
    routeList: readonly string[]
  }
}

export interface KernelOptions {
  db: Db
  engine: Engine
  config: AppConfig
  now: Now
  mail: MailDispatcher
}

async function kernel (app: FastifyInstance, options: KernelOptions) {
  app.decorate('db', options.db)
  app.decorate('engine', options.engine)
  app.decorate('config', options.config)
  app.decorate('rules', options.config.rules)
  app.decorate('now', options.now)
  app.decorate('mail', options.mail)
  const routeList: string[] = []
  app.decorate('routeList', routeList)
  // Hooks of this (non-encapsulated) plugin reach every route registered after it.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) if (method !== 'HEAD') routeList.push(`${method} ${route.url}`)
  })
  const flow = flowContext(options.db, options.config, options.now)
  app.decorate('flow', flow)
  app.decorate('mailContext', flow.mail)
}

export default fp(kernel, { name: 'kernel' })
