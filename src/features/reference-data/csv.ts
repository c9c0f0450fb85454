/**
 * A small RFC 4180 CSV reader for the reference-data import: quoted fields (with "" for a
 * quote, commas and line breaks inside), LF or CRLF line ends, a UTF-8 byte-order mark, and the
 * semicolon separator French spreadsheets write (chosen from the header line). Each record keeps
 * the line number it starts on, so errors can name the line the user sees in their editor.
 */

export interface CsvRecord {
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number
  fields: string[]
}

export type CsvParseResult =
  | { outcome: 'parsed'; header: string[]; records: CsvRecord[] }
  | { outcome: 'malformed'; line: number; problem: 'unclosedQuote' | 'strayQuote' | 'empty' }

export function parseCsv (text: string): CsvParseResult {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  const separator = chooseSeparator(source)
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let line = 1
  let recordLine = 1
  let i = 0
  let quoted = false
  // Just after a closing quote only a separator or a line end may follow ("abc"def is malformed).
  let closed = false

  const endRecord = () => {
    fields.push(field)
    // A line with nothing on it (often the last one) is not a record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields })
    fields = []
    field = ''
  }

  while (i < source.length) {
    const c = source[i] as string
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') { field += '"'; i += 2; continue }
      if (c === '"') { quoted = false; closed = true; i++; continue }
      if (c === '\n') line++
      field += c
      i++
      continue
    }
    const endsField = c === separator || c === '\r' || c === '\n'
    if (closed && !endsField) return { outcome: 'malformed', line, problem: 'strayQuote' }
    closed = false
    if (c === '"') {
      if (field !== '') return { outcome: 'malformed', line, problem: 'strayQuote' }
      quoted = true
      i++
      continue
    }
    if (c === separator) { fields.push(field); field = ''; i++; continue }
    if (c === '\r' && source[i + 1] === '\n') i++
    if (c === '\r' || c === '\n') {
      endRecord()
      line++
      recordLine = line
      i++
      continue
    }
    field += c
    i++
  }
  if (quoted) return { outcome: 'malformed', line: recordLine, problem: 'unclosedQuote' }
  if (field !== '' || fields.length > 0) endRecord()

  const [header, ...rest] = records
  if (!header) return { outcome: 'malformed', line: 1, problem: 'empty' }
  return { outcome: 'parsed', header: header.fields.map((name) => name.trim().toLowerCase()), records: rest }
}

function chooseSeparator (source: string): ',' | ';' {
  const firstLine = source.slice(0, source.search(/\r|\n|$/))
  return firstLine.includes(';') && !firstLine.includes(',') ? ';' : ','
}
