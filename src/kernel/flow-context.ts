/**
 * What every flow receives as its first argument (house style: flows are plain functions over
 * the kernel, routes are the web edge): the database, the configured rules, what composing an
 * email needs (the email itself goes to the outbox in the flow's transaction) and the clock.
 * A flow reads the time only as `ctx.clock.now()`, once per decision, so tests move the clock.
 * Who acts and from where (a manager, the request's RequestMeta) are the flow's own arguments,
 * after the context.
 */
import type { AppConfig, Rules } from '../config.ts'
import type { Db } from './db/database.ts'
import type { MailContext } from './mail/compose.ts'

export interface Clock { now (): number }

export interface FlowContext {
  db: Db
  rules: Rules
  mail: MailContext
  clock: Clock
}

/** The context of the app (kernel.ts decorates it as `app.flow`) and of the command line. */
export function flowContext (db: Db, config: AppConfig, now: () => number): FlowContext {
  return {
    db,
    rules: config.rules,
    mail: { appName: config.appName, supportEmail: config.supportEmail, appBaseUrl: config.appBaseUrl },
    clock: { now },
  }
}
