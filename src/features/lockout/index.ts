import type { FastifyInstance } from 'fastify'

// Placeholder until the feature lands.
export async function lockoutRoutes (_app: FastifyInstance) {}
