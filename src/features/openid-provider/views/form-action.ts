/**
 * The CSP of every page allows forms to post to this site only (form-action 'self'), and
 * browsers apply it to the redirects that follow a form too. The logout confirmation's form posts
 * here, but its answer is a redirect to the application's post_logout_redirect_uri: that origin
 * must be allowed on this page, or the browser stops the way back. The library has already
 * checked the URI against the client's registered list (end_session) when it renders the page.
 */
import type { ServerResponse } from 'node:http'
import type { KoaContextWithOIDC } from 'oidc-provider'

export function allowFormActionToPostLogoutUri (ctx: KoaContextWithOIDC): void {
  const uri = ctx.oidc.params?.post_logout_redirect_uri
  if (typeof uri !== 'string') return
  let origin: string
  try { origin = new URL(uri).origin } catch { return }
  if (!/^https?:\/\/[^\s;,']+$/.test(origin)) return
  const response = (ctx as unknown as { res: ServerResponse }).res
  const policy = response.getHeader('content-security-policy')
  if (typeof policy === 'string') response.setHeader('content-security-policy', policy.replace("form-action 'self'", `form-action 'self' ${origin}`))
}
