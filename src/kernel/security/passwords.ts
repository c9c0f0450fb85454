/**
 * Passwords: argon2id hashing with bounded concurrency, and the password policy.
 *
 * Hashing is the cost of a login. Running more hashes at once than there are cores only makes
 * each slower (measured: +12–15% CPU per hash), so at most `cores` run and a bounded queue waits;
 * past it the caller gets `Overloaded` (a 503), never unbounded memory. The hashes run on
 * libuv's thread pool, which also reads files (static assets) and resolves host names: one of its
 * threads is always left to them (see `hashingSlots`).
 */
import fs from 'node:fs'
import os from 'node:os'
import { Algorithm, hash, verify } from '@node-rs/argon2'
import { foldForSearch } from '../text.ts'
import { observePasswordHash, observePasswordHashWait, type HashOperation } from '../metrics/metrics.ts'

/** OWASP Password Storage cheat sheet: argon2id, m=19456 KiB, t=2, p=1. */
export const argon2Options = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const

export class Overloaded extends Error {
  constructor () { super('password hashing queue is full') }
}

/**
 * How many hashes may run at once: one per core, and never every thread of libuv's pool, or
 * file reads and host-name lookups wait behind the hashes (measured, 4 hashes in a pool of 4:
 * reading a small file 1.5 → 31 ms at the median). The pool has 4 threads unless
 * UV_THREADPOOL_SIZE, read once when the process starts, says otherwise: on more than 3 cores it
 * must be raised to use them all (docs/deployment.md; the server warns at start).
 */
export function hashingSlots (cores: number, threadPoolSize: number): number {
  return Math.max(1, Math.min(cores, threadPoolSize - 1))
}

/** The size libuv gives its pool: UV_THREADPOOL_SIZE as C's atoi reads it, 4 if unset, within 1–1024. */
export function libuvThreadPoolSize (value: string | undefined): number {
  if (value === undefined) return 4
  const size = Number.parseInt(value, 10)
  if (Number.isNaN(size) || size === 0) return 1
  return size < 0 ? 1024 : Math.min(size, 1024)
}

const cores = os.availableParallelism()
const threadPoolSize = libuvThreadPoolSize(process.env.UV_THREADPOOL_SIZE)
/** This process's figures, for the start-up warning. */
export const hashingCapacity = { cores, threadPoolSize, slots: hashingSlots(cores, threadPoolSize) } as const

const maximumConcurrentHashes = hashingCapacity.slots
const maximumQueuedHashes = 200 * maximumConcurrentHashes
let running = 0
const waiting: Array<() => void> = []

async function withHashingSlot<T> (operation: HashOperation, work: () => Promise<T>): Promise<T> {
  const queuedAt = performance.now()
  if (running >= maximumConcurrentHashes) {
    if (waiting.length >= maximumQueuedHashes) throw new Overloaded()
    await new Promise<void>((resolve) => waiting.push(resolve))
  } else {
    running++
  }
  const startedAt = performance.now()
  observePasswordHashWait(operation, (startedAt - queuedAt) / 1000)
  try {
    return await work()
  } finally {
    observePasswordHash(operation, (performance.now() - startedAt) / 1000)
    const next = waiting.shift()
    if (next) next()
    else running--
  }
}

export function hashPassword (password: string): Promise<string> {
  return withHashingSlot('hash', () => hash(password, argon2Options))
}

export async function verifyPassword (passwordHash: string, password: string): Promise<boolean> {
  return withHashingSlot('verify', async () => {
    try {
      return await verify(passwordHash, password)
    } catch {
      return false
    }
  })
}

// Unknown emails verify against this hash so they cost the same time as known ones (no
// enumeration by timing). Computed once, lazily, with the production parameters.
let dummyHash: Promise<string> | undefined
export async function verifyDummyPassword (password: string): Promise<false> {
  dummyHash ??= hashPassword('dummy password that no account has: 7#Tq')
  await verifyPassword(await dummyHash, password)
  return false
}

// ---------------------------------------------------------------------------------------------
// Policy: user guide §2.1 (8+ characters with a lower-case letter, an upper-case letter, a digit
// and a special character), plus NIST/ASVS 6.2.11: long passphrases accepted; common passwords,
// words tied to the service and the user's own distinctive words refused. Each failed rule is
// named for its true reason, so the form can say which one.

export type PasswordRule =
  | 'tooShort' | 'tooLong' | 'lowercase' | 'uppercase' | 'digit' | 'special'
  | 'common' | 'applicationWord' | 'personal'

export interface PasswordLimits { passwordMinimumLength: number; passwordMaximumLength: number }

/** Read when a new password is first checked (registration, reset, change): logins never need it. */
let commonPasswords: Set<string> | undefined

function loadCommonPasswords (): Set<string> {
  const file = new URL('./common-passwords.txt', import.meta.url)
  return new Set(fs.readFileSync(file, 'utf8').split('\n').filter((line) => line && !line.startsWith('#')))
}

/** Words that make a password guessable in this service, whoever the user is (ASVS 6.2.11). */
const applicationWords = ['bamara', 'bndmr', 'maladiesrares', 'maladierare', 'motdepasse', 'orphanet']

/** A personal word shorter than this is no sign of a guessable password (« Eva » is in « évasion »). */
const minimumPersonalWordLength = 4

/**
 * Words shared by many hospitals' names (CHU, CHRU, hôpital, centre hospitalier, AP-HP's « ap »
 * and « hp »…): they say nothing about this user, so a password may contain them.
 */
const genericHospitalWords = new Set([
  'chru', 'hopital', 'hopitaux', 'hospitalier', 'hospitaliere', 'hospitaliers', 'hospitalieres', 'hospices',
  'hospitalo', 'centre', 'centres', 'universitaire', 'universitaires', 'universite', 'regional', 'regionale',
  'regionaux', 'groupe', 'groupement', 'clinique', 'institut', 'fondation', 'assistance', 'publique', 'civils',
  'general', 'generale', 'sante', 'medical', 'medicale', 'saint', 'sainte', 'site', 'sites',
])

/**
 * Returns the rules the password breaks (empty when it is acceptable).
 * `personal` lists the user's own words: names, email, hospital names.
 */
export function checkPasswordPolicy (password: string, limits: PasswordLimits, personal: string[] = []): PasswordRule[] {
  const broken: PasswordRule[] = []
  const length = [...password].length
  if (length < limits.passwordMinimumLength) broken.push('tooShort')
  if (length > limits.passwordMaximumLength) return [...broken, 'tooLong']
  if (!/\p{Ll}/u.test(password)) broken.push('lowercase')
  if (!/\p{Lu}/u.test(password)) broken.push('uppercase')
  if (!/\p{Nd}/u.test(password)) broken.push('digit')
  if (!/[^\p{L}\p{Nd}]/u.test(password)) broken.push('special')
  if (isCommonPassword(password)) broken.push('common')
  if (containsApplicationWord(password)) broken.push('applicationWord')
  if (containsPersonalWord(password, personal)) broken.push('personal')
  return broken
}

/** Letters and digits only, folded: « Velo&BaMaRa 9 » → « velobamara9 ». */
function squash (text: string): string {
  return foldForSearch(text).replace(/[^a-z0-9]/g, '')
}

function isCommonPassword (password: string): boolean {
  const lower = password.toLowerCase()
  // "Password1!" is "password" dressed up to pass the composition rules.
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')
  commonPasswords ??= loadCommonPasswords()
  return commonPasswords.has(lower) || commonPasswords.has(core)
}

function containsApplicationWord (password: string): boolean {
  const squashed = squash(password)
  return applicationWords.some((word) => squashed.includes(word))
}

/** The distinctive words of the user's names, email and hospitals. */
function distinctivePersonalWords (personal: string[]): string[] {
  return personal
    .flatMap((text) => foldForSearch(text).split(/[^a-z0-9]+/))
    .filter((word) => word.length >= minimumPersonalWordLength && !genericHospitalWords.has(word))
}

function containsPersonalWord (password: string, personal: string[]): boolean {
  const squashed = squash(password)
  return distinctivePersonalWords(personal).some((word) => squashed.includes(word))
}
