/**
 * Summary of a V8 CPU profile (`node --cpu-prof`) of the server's main thread: the functions
 * with the most self time, and the same grouped by package or source folder. Argon2 runs on
 * libuv's thread pool, so the profile shows exactly what the main thread does besides hashing.
 */
import fs from 'node:fs'
import path from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}

interface CpuProfile { nodes: ProfileNode[]; samples: number[]; startTime: number; endTime: number }

export interface ProfileLine { name: string; where: string; selfPercent: number }
export interface ProfileSummary { file: string; sampledSeconds: number; idlePercent: number; topFunctions: ProfileLine[]; byArea: ProfileLine[] }

const root = path.resolve(import.meta.dirname, '..', '..')

function areaOf (url: string): string {
  if (url === '') return '(native / V8)'
  const file = url.replace(/^file:\/\//, '')
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)
  if (modules) return modules[1]!
  if (file.startsWith('node:')) return 'node core'
  if (file.startsWith(root)) return path.relative(root, path.dirname(file))
  return file
}

export function summarizeProfile (file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile
  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0) || 1
  const byFunction = new Map<string, { name: string; where: string; hits: number }>()
  const byArea = new Map<string, number>()
  let idle = 0
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0
    if (hits === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    if (functionName === '(idle)') { idle += hits; continue }
    const where = url === '' ? '' : `${path.relative(root, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}`
    const key = `${functionName}@${where}`
    const entry = byFunction.get(key) ?? { name: functionName || '(anonymous)', where, hits: 0 }
    entry.hits += hits
    byFunction.set(key, entry)
    const area = areaOf(url)
    byArea.set(area, (byArea.get(area) ?? 0) + hits)
  }
  const percent = (hits: number) => Math.round((hits / total) * 1000) / 10
  return {
    file,
    sampledSeconds: (profile.endTime - profile.startTime) / 1e6,
    idlePercent: percent(idle),
    topFunctions: [...byFunction.values()].sort((a, b) => b.hits - a.hits).slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfPercent: percent(f.hits) })),
    byArea: [...byArea.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
      .map(([name, hits]) => ({ name, where: '', selfPercent: percent(hits) })),
  }
}
