import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'

// TODO(#3): sessions — sets request.account from the session cookie.
async function sessions (_app: FastifyInstance) {}
export const sessionsPlugin = fp(sessions, { name: 'sessions', dependencies: ['kernel', 'web'] })
