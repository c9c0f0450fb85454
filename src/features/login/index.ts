/**
 * Login's public API: user guide §3.1–3.2. The routes are the whole feature; nothing else
 * needs to call into it.
 */
export { loginRoutes } from './login.routes.ts'
