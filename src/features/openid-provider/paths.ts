/** Where the provider answers: a module of its own, so that routes know it without loading oidc-provider. */
export const oidcPrefix = '/oidc'
export const interactionPath = (uid: string) => `${oidcPrefix}/interaction/${uid}`
