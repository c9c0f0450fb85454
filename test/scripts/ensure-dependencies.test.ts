/**
 * `npm start`'s install check (scripts/ensure-dependencies.mjs, also run by scripts/test.sh):
 * it installs when node_modules is missing or the lock file's content changed, never because
 * files got new times (a copy, a checkout). Run in a scratch directory with a stand-in `npm` on
 * the PATH that records each call and installs nothing.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const script = path.resolve(import.meta.dirname, '../../scripts/ensure-dependencies.mjs')
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bamara-ensure-'))
const bin = path.join(scratch, 'bin')
const calls = path.join(scratch, 'npm-calls.log')

fs.mkdirSync(bin)
// The stand-in for `npm ci`: notes the call and leaves what npm leaves (node_modules and its record).
fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\necho "$*" >> "${calls}"\nmkdir -p node_modules && echo '{}' > node_modules/.package-lock.json\n`, { mode: 0o755 })

function installsIn (project: string): number {
  const before = fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').split('\n').filter(Boolean).length : 0
  execFileSync(process.execPath, [script], { cwd: project, env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` }, stdio: 'pipe' })
  const after = fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').split('\n').filter(Boolean).length : 0
  return after - before
}

function touchInTheFuture (file: string) {
  const later = new Date(Date.now() + 3_600_000)
  fs.utimesSync(file, later, later)
}

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }))

describe('the install check compares the lock file\'s hash, not file times', () => {
  const project = path.join(scratch, 'project')
  fs.mkdirSync(project)
  fs.writeFileSync(path.join(project, 'package-lock.json'), '{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0"}}}\n')

  it('installs when node_modules is missing, then not again', () => {
    expect(installsIn(project)).toBe(1)
    expect(fs.readFileSync(calls, 'utf8')).toContain('ci --no-audit --no-fund')
    expect(installsIn(project)).toBe(0)
  })

  it('does not reinstall a copy whose files all have new times', () => {
    const copy = path.join(scratch, 'copy')
    fs.cpSync(project, copy, { recursive: true, preserveTimestamps: false })
    touchInTheFuture(path.join(copy, 'package-lock.json'))
    expect(installsIn(copy)).toBe(0)
  })

  it('reinstalls when the lock file changed, whatever the times say', () => {
    const lock = path.join(project, 'package-lock.json')
    fs.writeFileSync(lock, '{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.1"}}}\n')
    const earlier = new Date(Date.now() - 86_400_000)
    fs.utimesSync(lock, earlier, earlier)
    expect(installsIn(project)).toBe(1)
    expect(installsIn(project)).toBe(0)
  })
})
