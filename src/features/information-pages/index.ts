/**
 * Information pages: home, terms of use (CGU), help (the user guide) and support contact.
 */
export { informationPagesRoutes } from './information-pages.routes.ts'
