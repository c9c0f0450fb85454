/**
 * What a feature's routes share to read their input typed: every route declares TypeBox schemas
 * for its body, query and path parameters, and `typed(app)` lets the handlers read them as the
 * schemas say (no casts). A schema refusal is worded by the error handler in the request's
 * language, or by the route itself when it attaches the validation error to show field messages;
 * a refused path parameter is the 404 of an id not found (schemaErrorFormatter, plugin.ts).
 *
 * Forms posted without JavaScript send strings only, a repeated field as an array or, when sent
 * once, a single string: schemas accept both shapes (`OneOrMany`) and `listOf` reads them alike.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type, type TString } from '@sinclair/typebox'

/** This plugin's instance, its routes typed by their schemas. */
export function typed (app: FastifyInstance) {
  return app.withTypeProvider<TypeBoxTypeProvider>()
}

/** `/:id` of an account, a hospital, a site or an email: a UUID, anything else is a 404. */
export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

/** A field a form may send once (a string) or several times (an array), at most `maxItems` times. */
export function OneOrMany (item: TString, maxItems: number) {
  return Type.Union([item, Type.Array(item, { maxItems })])
}

/** The values of a field sent once, several times or not at all. */
export function listOf<T> (value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

/**
 * A path parameter as sent, for the hooks that run whatever the route (the audit of a refusal
 * names its target): there the params are not typed by a schema, and may be anything.
 */
export function pathParameter (request: FastifyRequest, name: string): string | undefined {
  const params: unknown = request.params
  if (typeof params !== 'object' || params === null) return undefined
  const value: unknown = (params as Record<string, unknown>)[name]
  return typeof value === 'string' ? value : undefined
}
