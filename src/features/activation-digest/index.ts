/**
 * Activation digest (README « Operations »: `send-activation-digests`, daily): the daily email telling account managers which
 * users of their hospitals wait for activation. Run by `npm run cli -- send-activation-digests`.
 */
export { sendActivationDigests, sendActivationDigestTo, type DigestReport, type DigestOutcome } from './activation-digest.ts'
