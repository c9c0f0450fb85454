/** The results table, in Markdown (pasted as is into docs/performance.md). */
import type { Engine } from '../../src/kernel/db/database.ts'

export interface Row {
  scenario: string
  measure: string
  unit: string
  values: Partial<Record<Engine, number>>
  target?: { op: '<' | '>='; value: number; only?: Engine }
}

const engineTitles: Record<Engine, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' }

function format (value: number | undefined, unit: string): string {
  if (value === undefined || Number.isNaN(value)) return '–'
  const digits = unit === '' ? 2 : Math.abs(value) >= 100 ? 0 : 1
  return `${value.toFixed(digits)}${unit && unit !== '/s' ? ` ${unit}` : ''}`
}

export function verdict (row: Row, engine: Engine): '' | 'met' | 'missed' {
  const value = row.values[engine]
  if (!row.target || value === undefined || (row.target.only && row.target.only !== engine)) return ''
  const met = row.target.op === '<' ? value < row.target.value : value >= row.target.value
  return met ? 'met' : 'missed'
}

export function printTable (rows: Row[], engines: Engine[]): void {
  const header = ['#', 'Measure', ...engines.map((e) => engineTitles[e]), 'Target']
  console.log(`| ${header.join(' | ')} |`)
  console.log(`|${header.map(() => '---').join('|')}|`)
  for (const row of rows) {
    const cells = engines.map((engine) => {
      const mark = verdict(row, engine)
      return `${format(row.values[engine], row.unit)}${mark === 'met' ? ' ✓' : mark === 'missed' ? ' ✗' : ''}`
    })
    const target = row.target ? `${row.target.op === '<' ? '<' : '≥'} ${row.target.value}${row.unit && row.unit !== '/s' ? ` ${row.unit}` : ''}${row.target.only ? ` (${engineTitles[row.target.only]})` : ''}` : ''
    console.log(`| ${row.scenario} | ${row.measure} | ${cells.join(' | ')} | ${target} |`)
  }
}
