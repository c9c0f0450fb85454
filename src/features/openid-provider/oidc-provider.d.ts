/**
 * The part of oidc-provider's API this feature uses (the package ships no types). Kept small on
 * purpose: every name here is read in provider.ts or the routes.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface KoaContextWithOIDC {
    req: IncomingMessage & { bamaraAccountId?: string; bamaraLang?: 'fr' | 'en' }
    oidc: {
      client?: { clientId: string; scope?: string }
      session?: { accountId?: string; grantIdFor: (clientId: string) => string | undefined }
      result?: { consent?: { grantId?: string } }
      params?: Record<string, unknown>
      requestParamScopes: Set<string>
      provider: Provider
    }
  }

  export interface Grant {
    jti: string
    addOIDCScope: (scope: string) => void
    save: () => Promise<string>
  }

  export interface InteractionDetails {
    uid: string
    /** What the interaction carries to the end of the sign-in (we keep the portal login seen first: openid-provider.routes.ts). */
    result?: Record<string, unknown>
    persist: () => Promise<string>
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> }
    params: Record<string, unknown>
    session?: { accountId: string }
  }

  export interface ClientInstance {
    clientSecret?: string
    clientId: string
  }

  export class Provider {
    constructor (issuer: string, configuration: Record<string, unknown>)
    proxy: boolean
    callback (): (req: IncomingMessage, res: ServerResponse) => void
    interactionDetails (req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
    interactionResult (req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<string>
    on (event: string, listener: (...args: unknown[]) => void): this
    use (middleware: (ctx: unknown, next: () => Promise<void>) => Promise<void>): this
    Grant: {
      new (properties: { clientId: string; accountId: string }): Grant
      find: (id: string) => Promise<Grant | undefined>
    }
    Client: { prototype: { compareClientSecret: (this: ClientInstance, actual: string) => Promise<boolean> | boolean } }
  }

  export class Check {
    constructor (reason: string, description: string, check: (ctx: KoaContextWithOIDC) => boolean | Promise<boolean>)
    static REQUEST_PROMPT: true
    static NO_NEED_TO_PROMPT: false
  }

  export const interactionPolicy: {
    base: () => Array<{ name: string; checks: Check[] }> & { get: (name: string) => { checks: Check[] } }
    Check: typeof Check
  }

  export const errors: { InvalidGrant: new (detail: string) => Error }

  export default Provider
}
