import type { FastifyInstance } from 'fastify'

export async function accessReviewRoutes (_app: FastifyInstance) {}
