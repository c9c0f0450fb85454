export { sessionsPlugin } from './sessions.plugin.ts'
export { createSession, destroySession, invalidateAccountSessions, findLiveSession } from './sessions.ts'
