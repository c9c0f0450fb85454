/**
 * Migrations run at start and by `npm run cli -- migrate`. One ordered list, the same on both
 * engines; a migration is never edited once landed, only followed by a new one.
 */
import { Migrator, type Migration, type MigrationProvider } from 'kysely'
import type { Db } from './database.ts'
import * as foundation from './migrations/0001-foundation.ts'
import * as administration from './migrations/0002-administration.ts'
import * as accessReview from './migrations/0003-access-review.ts'
import * as notificationDigest from './migrations/0004-notification-digest.ts'
import * as performance from './migrations/0005-performance.ts'
import * as accountHospital from './migrations/0006-account-hospital.ts'
import * as oneLoginChallenge from './migrations/0007-one-login-challenge.ts'
import * as canonicalEmail from './migrations/0008-canonical-email.ts'
import * as emailChangeRequester from './migrations/0009-email-change-requester.ts'
import * as expiredRows from './migrations/0010-expired-rows.ts'
import * as frenchOrder from './migrations/0011-french-order.ts'
import * as savedForm from './migrations/0012-saved-form.ts'
import * as taskLease from './migrations/0013-task-lease.ts'
import * as openidProvider from './migrations/0014-openid-provider.ts'
import * as oidcLogoutOutbox from './migrations/0015-oidc-logout-outbox.ts'
import * as auditSealer from './migrations/0016-audit-sealer.ts'

const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-administration': administration,
  '0003-access-review': accessReview,
  '0004-notification-digest': notificationDigest,
  '0005-performance': performance,
  '0006-account-hospital': accountHospital,
  '0007-one-login-challenge': oneLoginChallenge,
  '0008-canonical-email': canonicalEmail,
  '0009-email-change-requester': emailChangeRequester,
  '0010-expired-rows': expiredRows,
  '0011-french-order': frenchOrder,
  '0012-saved-form': savedForm,
  '0013-task-lease': taskLease,
  '0014-openid-provider': openidProvider,
  '0015-oidc-logout-outbox': oidcLogoutOutbox,
  '0016-audit-sealer': auditSealer,
}

/** Every migration this version knows, in order (a restored backup must not hold others). */
export const migrationNames: readonly string[] = Object.keys(migrations)

const provider: MigrationProvider = { getMigrations: async () => migrations }

export async function migrateToLatest (db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** Up to (and including) one migration: for tests of a migration on data written before it. */
export async function migrateTo (db: Db, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name)
  if (error) throw error instanceof Error ? error : new Error(String(error))
}
