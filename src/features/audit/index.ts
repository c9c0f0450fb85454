export { recordEvent, neutralizeText, type AuditEvent } from './audit.ts'
