import type { FastifyInstance } from 'fastify'

// Placeholder until the feature lands.
export async function loginRoutes (_app: FastifyInstance) {}
