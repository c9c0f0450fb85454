import type { FastifyInstance } from 'fastify'

// Placeholder until the feature lands.
export async function devMailboxRoutes (_app: FastifyInstance) {}
