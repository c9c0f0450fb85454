export {
  verifyAuditChain, purgeAuditEvents, auditRetentionCutoff, type ChainVerification, type PurgeResult,
} from './audit-chain.ts'
export { auditRoutes } from './audit.routes.ts'
export { auditedManagerRoutes } from './refusals.ts'
export { messages as auditMessages } from './messages.ts'
export { selectVisibleEvents, type AuditViewer } from './audit.queries.ts'
