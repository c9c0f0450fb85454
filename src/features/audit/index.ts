export {
  recordEvent, neutralizeText, verifyAuditChain, purgeAuditEvents, auditRetentionCutoff,
  type AuditEvent, type ChainVerification, type PurgeResult,
} from './audit.ts'
export { auditRoutes } from './audit.routes.ts'
export { auditRefusedRequests } from './refusals.ts'
export { messages as auditMessages } from './messages.ts'
export { selectVisibleEvents, type AuditViewer } from './audit.queries.ts'
export { parseDay } from './audit.routes.ts'
