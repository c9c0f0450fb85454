/**
 * OpenID Connect provider's public API: the routes (provider, interaction, client administration),
 * the CLI's client and key commands, and what other features call when a user's access ends.
 */
export { openidProviderRoutes } from './openid-provider.routes.ts'
export { registerClient, rotateClientSecret, disableClient, listClients, findRegistrationProblem, supportedScopes, type ClientRegistration, type ClientProblem } from './clients.ts'
export { rotateProviderKeys, ensureProviderKeys } from './keys.ts'
export { oidcClientCommand, rotateKeysCommand, clientProblemMessages } from './cli-commands.ts'
export { BackChannelLogoutDispatcher } from './back-channel-logout.ts'
export { clientAdministrationRoutes } from './client-administration.routes.ts'
export { clientsConsoleBox } from './views/console-links.ts'
