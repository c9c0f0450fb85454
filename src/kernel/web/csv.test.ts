import { describe, expect, it } from 'vitest'
import { csvCell, csvDownloadHeaders, csvLine } from './csv.ts'

describe('CSV for spreadsheets (formula neutralising, RFC 4180 quoting)', () => {
  it('prefixes a cell a spreadsheet would run as a formula with an apostrophe', () => {
    expect(csvCell('=1+2')).toBe("'=1+2")
    expect(csvCell('+33 1')).toBe("'+33 1")
    expect(csvCell('-2')).toBe("'-2")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\tx')).toBe("'\tx")
    expect(csvCell('plain')).toBe('plain')
  })

  it('quotes separators, quotes and line breaks, and writes empty cells for null', () => {
    expect(csvCell('a;b"c')).toBe('"a;b""c"')
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"')
    expect(csvCell(null)).toBe('')
    expect(csvLine(['a', 1, undefined, '=x'])).toBe("a;1;;'=x\r\n")
  })

  it('names the download in ASCII only', () => {
    expect(csvDownloadHeaders('journal é"x.csv')['content-disposition']).toBe('attachment; filename="journal___x.csv"')
  })
})
