import type { FastifyInstance } from 'fastify'

// Placeholder until the feature lands.
export async function emailConfirmationRoutes (_app: FastifyInstance) {}
