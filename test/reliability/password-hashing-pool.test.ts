/**
 * Password hashing and libuv's thread pool (kernel/security/passwords.ts): hashes never take
 * every thread of the pool, so file reads and host-name lookups never wait behind a queue of
 * logins; the server says at start when the pool keeps hashing below the number of cores. The
 * pool's size is fixed when the process starts: each case runs in a process of its own.
 */
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import { describe, expect, it } from 'vitest'
import { hashingSlots, libuvThreadPoolSize } from '../../src/kernel/security/passwords.ts'
import { createTestDatabase } from '../helpers/test-app.ts'
import { repositoryRoot, startServer } from '../helpers/processes.ts'

describe('hashes and the thread pool', () => {
  it('runs one hash per core and leaves one pool thread free', () => {
    expect(hashingSlots(2, 4)).toBe(2)
    expect(hashingSlots(4, 4)).toBe(3)
    expect(hashingSlots(8, 4)).toBe(3)
    expect(hashingSlots(8, 9)).toBe(8)
    expect(hashingSlots(2, 1)).toBe(1)
  })

  it('reads UV_THREADPOOL_SIZE as libuv does', () => {
    expect(libuvThreadPoolSize(undefined)).toBe(4)
    expect(libuvThreadPoolSize('12')).toBe(12)
    expect(libuvThreadPoolSize(' 6 threads')).toBe(6)
    expect(libuvThreadPoolSize('zero')).toBe(1)
    expect(libuvThreadPoolSize('0')).toBe(1)
    expect(libuvThreadPoolSize('5000')).toBe(1024)
    expect(libuvThreadPoolSize('-2')).toBe(1024)
  })

  it('reads a file while a queue of hashes waits, in a pool of 2 threads', () => {
    // Six logins at once, then a file read: with both threads hashing, the read would wait for
    // a hash to end; with one left free it ends first.
    const script = `
      import { readFile } from 'node:fs/promises'
      import { hashPassword, verifyPassword } from './src/kernel/security/passwords.ts'
      const stored = await hashPassword('Mot-de-passe 1!')
      const order = []
      const hashes = Array.from({ length: 6 }, () => verifyPassword(stored, 'Mot-de-passe 1!').then(() => order.push('hash')))
      await readFile('package.json').then(() => order.push('file'))
      await Promise.all(hashes)
      console.log(JSON.stringify(order))`
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repositoryRoot, env: { ...process.env, UV_THREADPOOL_SIZE: '2' }, encoding: 'utf8',
    })
    const order = JSON.parse(output.trim().split('\n').at(-1)!) as string[]
    expect(order[0]).toBe('file')
    expect(order.filter((step) => step === 'hash')).toHaveLength(6)
  })
})

describe('the server at start', () => {
  it('warns when the pool keeps hashing below the number of cores, and only then', async () => {
    const cores = os.availableParallelism()
    const database = await createTestDatabase()
    try {
      // A pool of one thread: one hash at a time, fewer than the cores on any machine of two or more.
      const small = await startServer({ ...database.env, UV_THREADPOOL_SIZE: '1' })
      await small.stop()
      const warning = `password hashing uses 1 of ${cores} cores: set UV_THREADPOOL_SIZE=${cores + 1}`
      if (cores > 1) expect(small.output()).toContain(warning)
      else expect(small.output()).not.toContain('UV_THREADPOOL_SIZE')
      const large = await startServer({ ...database.env, UV_THREADPOOL_SIZE: String(cores + 1) })
      await large.stop()
      expect(large.output()).not.toContain('UV_THREADPOOL_SIZE')
    } finally {
      await database.drop()
    }
  })
})
