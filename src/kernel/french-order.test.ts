import { describe, expect, it } from 'vitest'
import fs from 'node:fs'
import { frenchSortKey } from './french-order.ts'

const collator = new Intl.Collator('fr', { sensitivity: 'base' })
const byKey = (names: string[]) => [...names].sort((x, y) => {
  const a = frenchSortKey(x)
  const b = frenchSortKey(y)
  return a < b ? -1 : a > b ? 1 : 0
})

describe('French order key', () => {
  it('orders as a French reader expects, case and accents ignored', () => {
    expect(byKey(['Dystrophies', 'Déficiences', 'Cytologie', 'CRéER', 'Centre', 'CHR Metz-Thionville', 'CHR d’Orléans', 'Œdème', 'oeil', 'Zébrures', 'ampoules']))
      .toEqual(['ampoules', 'Centre', 'CHR d’Orléans', 'CHR Metz-Thionville', 'CRéER', 'Cytologie', 'Déficiences', 'Dystrophies', 'Œdème', 'oeil', 'Zébrures'])
  })

  it('agrees with Intl.Collator(fr) on the hospitals and site names of the reference data', () => {
    const hospitals = fs.readFileSync(new URL('../features/reference-data/seed/hospitals.csv', import.meta.url), 'utf8')
      .split('\n').slice(1).filter(Boolean).map((line) => line.split(',')[1] as string)
    const catalogue = fs.readFileSync(new URL('../features/reference-data/demo-catalogue.ts', import.meta.url), 'utf8')
    const titles = [...catalogue.matchAll(/title: '((?:[^'\\]|\\.)*)'/g)].map((m) => (m[1] as string).replace(/\\'/g, '\''))
    const names = [...hospitals, ...titles, 'CRéER', 'Déficiences', 'Dystrophies', 'Site administrateur comptes (AP-HP)', 'Maladies rares 2', 'Maladies rares-2']
    expect(titles.length).toBeGreaterThan(20)
    const sorted = byKey(names)
    for (let i = 1; i < sorted.length; i++) {
      expect(collator.compare(sorted[i - 1] as string, sorted[i] as string), `${sorted[i - 1]} / ${sorted[i]}`).toBeLessThanOrEqual(0)
    }
  })
})
