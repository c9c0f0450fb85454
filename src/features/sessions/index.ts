export { sessionsPlugin, requireAccount, requireRole, type Role } from './sessions.plugin.ts'
export { createSession, destroySession, invalidateAccountSessions, findLiveSession } from './sessions.ts'
