/**
 * The reference-data import's CSV reader: csv-parse (RFC 4180: quoted fields with "" for a
 * quote, commas and line breaks inside, LF or CRLF line ends, a UTF-8 byte-order mark), with the
 * semicolon separator French spreadsheets write chosen from the header line. Each record keeps
 * the line number it starts on, so errors can name the line the user sees in their editor.
 */
import { CsvError, parse } from 'csv-parse/sync'

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
  // csv-parse numbers the line a record ends on; the end of the last record read tells where an
  // unclosed quote's record started (the next line with something on it).
  let lastEnd = 0
  const records: CsvRecord[] = []
  try {
    parse(source, {
      delimiter: chooseSeparator(source),
      relax_column_count: true, // a short or long line is the import's error, with its line number
      skip_empty_lines: true,
      on_record: (fields, { lines }) => {
        lastEnd = lines
        // A record spanning lines (a quoted line break) starts as many lines before its end.
        records.push({ line: lines - fields.reduce((breaks, field) => breaks + (field.match(/\n/g)?.length ?? 0), 0), fields })
        return null // kept above with its line, not in csv-parse's own result
      },
    })
  } catch (error) {
    if (!(error instanceof CsvError)) throw error
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') return { outcome: 'malformed', line: nextFilledLine(source, lastEnd), problem: 'unclosedQuote' }
    if (error.code === 'CSV_INVALID_CLOSING_QUOTE' || error.code === 'INVALID_OPENING_QUOTE') {
      return { outcome: 'malformed', line: Number(error.lines), problem: 'strayQuote' }
    }
    throw error
  }
  const [header, ...rest] = records
  if (!header) return { outcome: 'malformed', line: 1, problem: 'empty' }
  return { outcome: 'parsed', header: header.fields.map((name) => name.trim().toLowerCase()), records: rest }
}

function chooseSeparator (source: string): ',' | ';' {
  const firstLine = source.slice(0, source.search(/\r|\n|$/))
  return firstLine.includes(';') && !firstLine.includes(',') ? ';' : ','
}

function nextFilledLine (source: string, after: number): number {
  const lines = source.split(/\r\n|\n|\r/)
  let index = after
  while (index < lines.length - 1 && lines[index] === '') index++
  return index + 1
}
