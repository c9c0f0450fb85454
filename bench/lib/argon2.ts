/**
 * Scenario 1, the limit: raw argon2id verifications with the production parameters
 * (`argon2Options` of src/kernel/security/passwords.ts), one verification in flight per core,
 * in this process, nothing else around them. The login figures are divided by this.
 */
import os from 'node:os'
import { hash, verify } from '@node-rs/argon2'
import { argon2Options } from '../../src/kernel/security/passwords.ts'

export interface HashRate {
  cores: number
  verifications: number
  seconds: number
  perSecond: number
  perSecondPerCore: number
  /** CPU time per verification (all threads of this process): steady even on a busy machine. */
  cpuMsEach: number
}

export async function measureRawVerifications (seconds: number): Promise<HashRate> {
  const cores = os.availableParallelism()
  const passwordHash = await hash('Banc-d’essai 2024 !', argon2Options)
  await verify(passwordHash, 'Banc-d’essai 2024 !') // warm-up
  let verifications = 0
  const cpu = process.cpuUsage()
  const started = performance.now()
  const deadline = started + seconds * 1000
  await Promise.all(Array.from({ length: cores }, async () => {
    while (performance.now() < deadline) {
      if (!await verify(passwordHash, 'Banc-d’essai 2024 !')) throw new Error('argon2 verification failed')
      verifications++
    }
  }))
  const elapsed = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const perSecond = verifications / elapsed
  return { cores, verifications, seconds: elapsed, perSecond, perSecondPerCore: perSecond / cores, cpuMsEach: (used.user + used.system) / 1000 / verifications }
}
