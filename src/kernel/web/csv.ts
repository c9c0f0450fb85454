/**
 * CSV for the exports an auditor opens in a spreadsheet (journal, access-review report, console):
 * semicolon-separated (French spreadsheets), UTF-8 with a byte-order mark, CRLF line ends.
 * A cell starting with = + - @ (or a tab or carriage return) gets a leading apostrophe, so a
 * spreadsheet never runs it as a formula (CSV injection, OWASP); then RFC 4180 quoting.
 */
export type CsvCell = string | number | null | undefined

export function csvCell (value: CsvCell): string {
  let text = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[";\r\n,]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvLine (cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(';')}\r\n`
}

export const csvByteOrderMark = '\uFEFF'

/** Content-Disposition for a download named in ASCII (the names are ours, never user text). */
export function csvDownloadHeaders (fileName: string): Record<string, string> {
  return {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  }
}
