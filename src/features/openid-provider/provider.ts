/**
 * The OpenID Connect provider: oidc-provider (OpenID Certified), configured for BaMaRa's
 * relying parties. What it allows, and nothing else:
 * - the authorization code flow, PKCE S256 required for every client; no implicit flow, no
 *   password grant, no dynamic registration, no device flow;
 * - confidential clients only, `client_secret_basic` or `private_key_jwt`;
 * - refresh tokens that rotate at each use (a reused one revokes its grant: the whole family);
 * - RP-initiated logout and Back-Channel Logout;
 * - scopes openid, email, profile and `bamara` (role, hospitals, sites: claims.ts).
 *
 * Login is the portal's (features/login): the interaction URL is ours (openid-provider.routes.ts).
 * The login prompt also asks for an interaction whenever the portal session's account is not the
 * provider session's: one session for the portal and the relying parties. Clients are
 * first-party: a grant covering what they ask is created without a consent screen.
 *
 * The issuer is APP_BASE_URL exactly; the routes take the full paths (/oidc/…), so the provider
 * runs unmounted and serves the discovery at the issuer's /.well-known/openid-configuration.
 */
import Provider, { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider'
import type { Db } from '../../kernel/db/database.ts'
import type { Rules } from '../../config.ts'
import { digestToken, safeEqual } from '../../kernel/security/tokens.ts'
import { providerSessionCookie } from '../../kernel/accounts/client-access.ts'
import { databaseAdapter } from './adapter.ts'
import { findActiveAccountClaims } from './claims.ts'
import { supportedScopes } from './clients.ts'
import type { ProviderKeys } from './keys.ts'
import { errorPage, logoutPage, loggedOutPage } from './views/provider-pages.ts'

import { interactionPath, oidcPrefix } from './paths.ts'

const seconds = (ms: number) => Math.floor(ms / 1000)

export interface ProviderOptions {
  issuer: string
  db: Db
  rules: Rules
  keys: ProviderKeys
  secureCookies: boolean
}

export function createProvider ({ issuer, db, rules, keys, secureCookies }: ProviderOptions): Provider {
  const policy = interactionPolicy.base()
  policy.get('login').checks.push(new interactionPolicy.Check('portal_session',
    'the portal session is not the provider session',
    (ctx: KoaContextWithOIDC) => ctx.req.bamaraAccountId !== ctx.oidc.session?.accountId))

  const provider = new Provider(issuer, {
    adapter: databaseAdapter(db),
    jwks: { keys: keys.signingKeys },
    cookies: {
      names: { session: providerSessionCookie },
      keys: keys.cookieKeys,
      long: { signed: true, secure: secureCookies, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, secure: secureCookies, httpOnly: true, sameSite: 'lax' },
    },
    routes: {
      authorization: `${oidcPrefix}/auth`,
      token: `${oidcPrefix}/token`,
      userinfo: `${oidcPrefix}/me`,
      jwks: `${oidcPrefix}/jwks`,
      end_session: `${oidcPrefix}/session/end`,
      revocation: `${oidcPrefix}/token/revocation`,
      introspection: `${oidcPrefix}/token/introspection`,
      registration: `${oidcPrefix}/reg`,
      pushed_authorization_request: `${oidcPrefix}/request`,
      backchannel_authentication: `${oidcPrefix}/backchannel`,
      code_verification: `${oidcPrefix}/device`,
      device_authorization: `${oidcPrefix}/device/auth`,
    },
    scopes: [...supportedScopes],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['given_name', 'family_name'],
      bamara: ['bamara_role', 'bamara_hospitals', 'bamara_managed_hospitals', 'bamara_sites'],
    },
    // The token carries the sites and the role (the BaMaRa application decides from it), as
    // Keycloak does: not only userinfo. They are read at issue time, so a refresh brings the change.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'private_key_jwt'],
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256', 'RS256'],
      userinfoSigningAlgValues: ['ES256', 'RS256'],
      clientAuthSigningAlgValues: ['ES256', 'RS256', 'PS256', 'EdDSA'],
      requestObjectSigningAlgValues: ['ES256', 'RS256'],
    },
    pkce: { methods: ['S256'], required: () => true },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
    },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: logoutPage, postLogoutSuccessSource: loggedOutPage },
    },
    interactions: {
      policy,
      url: (_ctx: unknown, interaction: { uid: string }) => interactionPath(interaction.uid),
    },
    // Refresh tokens without offline_access, bound to the provider's session (expiresWithSession).
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed: (t: string) => boolean }) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    loadExistingGrant: grantEverythingAsked,
    findAccount: async (_ctx: unknown, sub: string) => {
      const claims = await findActiveAccountClaims(db, sub)
      if (!claims) return undefined
      return { accountId: sub, claims: async () => claims }
    },
    // A sign-on lasts as the portal session it came from may (user guide §3.4): never past
    // sessionAbsoluteTimeout after the login (its time is the portal session's start), however
    // often the tokens rotate or the browser comes back; a refresh token unused for
    // sessionIdleTimeout dies, as an idle portal session does. Fixed numbers would slide: the
    // library saves the session and the grant again at every visit, and each rotation anew.
    ttl: {
      AccessToken: seconds(rules.oidcAccessTokenTtl),
      AuthorizationCode: seconds(rules.oidcAuthorizationCodeTtl),
      IdToken: seconds(rules.oidcIdTokenTtl),
      RefreshToken: (_ctx: unknown, token: { authTime?: number }) => leftOfSignOn(token.authTime, rules.sessionIdleTimeout),
      Interaction: seconds(rules.oidcInteractionTtl),
      Session: (_ctx: unknown, session: { loginTs?: number }) => leftOfSignOn(session.loginTs, rules.sessionAbsoluteTimeout),
      // Keeps the expiry of its first save: after a new login on the same provider session (a
      // re-authentication) it may end before that sign-on does; the client then signs in again
      // (single sign-on, a new grant). The session and the refresh tokens above bound the sign-on.
      Grant: seconds(rules.sessionAbsoluteTimeout),
    },
    renderError: errorPage,
  })

  // The library compares client_secret in clear; ours holds the secret's digest (clients.ts).
  provider.Client.prototype.compareClientSecret = function compareDigest (actual: string) {
    return typeof this.clientSecret === 'string' && typeof actual === 'string' && safeEqual(digestToken(actual), this.clientSecret)
  }
  return provider

  /** Seconds to live: `span`, cut at the end of the sign-on that began at `loginTs` (seconds; none yet: no cut); at least 1. */
  function leftOfSignOn (loginTs: number | undefined, span: number): number {
    if (loginTs !== undefined && !Number.isFinite(loginTs)) return 1
    const signOnLeft = loginTs === undefined ? Infinity : loginTs + seconds(rules.sessionAbsoluteTimeout) - seconds(Date.now())
    return Math.max(1, Math.min(seconds(span), signOnLeft))
  }

  /** First-party clients: the grant covers every scope asked that the client may ask (no consent screen). */
  async function grantEverythingAsked (ctx: KoaContextWithOIDC) {
    const { oidc } = ctx
    const client = oidc.client
    const accountId = oidc.session?.accountId
    if (!client || !accountId) return undefined
    const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(client.clientId)
    const grant = (grantId ? await oidc.provider.Grant.find(grantId) : undefined) ??
      new oidc.provider.Grant({ clientId: client.clientId, accountId })
    const allowed = new Set((client.scope ?? '').split(' '))
    grant.addOIDCScope([...oidc.requestParamScopes].filter((s) => allowed.has(s)).join(' '))
    await grant.save()
    return grant
  }
}
