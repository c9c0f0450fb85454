export { recordEvent, neutralizeText, verifyAuditChain, type AuditEvent, type ChainVerification } from './audit.ts'
