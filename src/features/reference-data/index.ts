import type { FastifyInstance } from 'fastify'

export { seedProfessions, listProfessions } from './professions.ts'
export { createSuperadmin } from './superadmin.ts'
export { loadDemoData, type DemoAccount } from './demo-data.ts'

// Placeholder until the reference-data routes land (site search for the forms).
export async function referenceDataRoutes (_app: FastifyInstance) {}
