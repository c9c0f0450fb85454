/**
 * French order for the names people pick from lists (hospitals, sites): case, accents and
 * ligatures ignored, spaces before punctuation before digits before letters, as
 * `Intl.Collator('fr', { sensitivity: 'base' })` orders them: « Déficiences » before
 * « Dystrophies », « CHR d'Orléans » before « CHR Metz-Thionville », « CRéER » among the C's.
 *
 * SQLite compares text byte by byte and PostgreSQL by its database's collation, so neither can
 * sort French the same way. The order is therefore a key computed here when a name is written
 * and stored beside it (`sort_key`, compared bytewise on both engines: `collate "C"` on
 * PostgreSQL); queries order by it, then by the id.
 */
import { foldForSearch } from './text.ts'

/** « CHR d'Orléans » → « chr d!orleans »: folded letters and digits; one space; any other sign « ! ». */
export function frenchSortKey (text: string): string {
  return foldForSearch(text).replace(/[^\p{L}\p{N} ]/gu, '!')
}
