/**
 * Queries of a fixed shape that run on every request of a hot path (the login's password and code
 * steps, the audit record): Kysely builds and compiles each query anew at every call, which took
 * about a tenth of the main thread of a login (docs/performance.md). `compiledOnce` builds and
 * compiles the query the first time with placeholder values, remembers where each argument goes
 * among the bound parameters, and afterwards only binds the new values. The SQL is still Kysely's,
 * written with its builder, and values are still bound parameters, never spliced into the SQL.
 *
 * The builder must give the query the same shape whatever the values: it may only place each
 * argument as a value (no `if` on an argument, no arithmetic on it; compute first, pass the
 * result). A query that does not bind every argument is refused at its first call. A builder
 * with a rest parameter (a list of keys) gets one compiled form per number of arguments.
 *
 * Each compiled form's SQL gets a statement name (`preparedStatementName`): on PostgreSQL the
 * connection sends it as a named prepared statement (database.ts), parsed once per connection
 * instead of at every call. The names are finite by construction: one per builder, engine and
 * number of arguments.
 */
import type { Compilable, CompiledQuery, QueryResult } from 'kysely'
import type { Db } from './database.ts'

const placeholder = (index: number) => `\u0000compiled-once-argument-${index}\u0000`

const statementNames = new Map<string, string>()

/** The prepared statement name of a query compiled once, by its SQL; undefined for any other query. */
export function preparedStatementName (sqlText: string): string | undefined {
  return statementNames.get(sqlText)
}

export function compiledOnce<Args extends unknown[], Row> (build: (db: Db, ...args: Args) => Compilable<Row>) {
  // One compiled form per engine (the SQL differs: keyed by the dialect's adapter class) and
  // per number of arguments.
  const compiled = new Map<unknown, Map<number, { query: CompiledQuery<Row>; slots: number[] }>>()
  async function run (db: Db, ...args: Args): Promise<QueryResult<Row>> {
    const engine = db.getExecutor().adapter.constructor
    let forEngine = compiled.get(engine)
    if (!forEngine) compiled.set(engine, forEngine = new Map())
    let entry = forEngine.get(args.length)
    if (!entry) {
      const placeholders = args.map((_, index) => placeholder(index)) as Args
      const query = build(db, ...placeholders).compile()
      const slots = query.parameters.map((value) => placeholders.indexOf(value))
      args.forEach((_, index) => {
        if (!slots.includes(index)) throw new Error(`compiledOnce: argument ${index} is not bound as a parameter`)
      })
      entry = { query, slots }
      if (!statementNames.has(query.sql)) statementNames.set(query.sql, `compiled_once_${statementNames.size + 1}`)
      forEngine.set(args.length, entry)
    }
    const { query, slots } = entry
    return db.executeQuery<Row>({ ...query, parameters: slots.map((slot, i) => slot === -1 ? query.parameters[i] : args[slot]) })
  }
  /** The first row, if any (Kysely's executeTakeFirst). */
  async function first (db: Db, ...args: Args): Promise<Row | undefined> {
    return (await run(db, ...args)).rows[0]
  }
  return Object.assign(run, { first })
}
