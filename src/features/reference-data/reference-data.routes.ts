/**
 * Site search for the forms (user guide §2.1 « S'inscrire », admin guide §3.4.1 « Ajouter un site
 * à un profil »): the sites of one hospital matching a title, an abbreviation or a lead's name,
 * as JSON for the progressive-enhancement script of those forms. The list is reference data,
 * public like the registration form that uses it.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { typed } from '../../kernel/web/routes.ts'
import { messages } from './messages.ts'
import { findHospital, searchSites } from './reference-data.queries.ts'

const SiteSearchQuery = Type.Object({
  hopital: Type.String({ minLength: 1, maxLength: 64 }),
  q: Type.Optional(Type.String({ maxLength: 100 })),
})

/** The most sites one answer holds; the user narrows the search to see others. */
export const siteSearchLimit = 50

export async function referenceDataRoutes (instance: FastifyInstance) {
  const app = typed(instance)
  // GET /sites?hopital=<id>&q=<term>
  app.get('/sites', {
    schema: { querystring: SiteSearchQuery },
    attachValidation: true,
  }, async function listMatchingSites (request, reply) {
    const t = messages[request.lang]
    if (request.validationError) return reply.code(400).send({ error: t.badSearch })
    const query = request.query
    const hospital = await findHospital(app.db, query.hopital)
    if (!hospital) return reply.code(404).send({ error: t.unknownHospital })
    const sites = await searchSites(app.db, { hospitalIds: [hospital.id], term: query.q, limit: siteSearchLimit })
    return reply.header('cache-control', 'no-cache').send(sites.map((site) => ({
      id: site.id,
      title: site.title,
      abbreviation: site.abbreviation,
      leadName: site.leadName,
      kind: site.kind,
    })))
  })
}
