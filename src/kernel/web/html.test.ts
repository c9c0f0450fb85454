import { describe, expect, it } from 'vitest'
import { html, renderToString, trustedHtml } from './html.ts'
import { safeReturnPath } from './redirects.ts'
import { redactUrl } from './logging.ts'

describe('escaped-by-default HTML', () => {
  it('escapes every interpolated string, including attribute breakers', () => {
    const name = '<script>alert(1)</script>" onmouseover="x\'`'
    expect(renderToString(html`<p title="${name}">${name}</p>`)).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x&#39;&#96;">&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x&#39;&#96;</p>')
  })

  it('nests fragments and arrays without double escaping', () => {
    const items = ['a&b', '<i>']
    expect(renderToString(html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`)).toBe('<ul><li>a&amp;b</li><li>&lt;i&gt;</li></ul>')
    expect(renderToString(html`${trustedHtml('<br>')}${null}${undefined}${false}`)).toBe('<br>')
  })
})

describe('return paths after login (no open redirect)', () => {
  it.each([
    ['/gestion?page=2', '/gestion?page=2'],
    ['//evil.example/x', '/'],
    ['/.//evil.example', '/'],
    ['/..//evil.example', '/'],
    ['/a/..//evil.example', '/'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['/\\evil.example', '/'],
    ['https://evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/a\r\nSet-Cookie: x=1', '/'],
    [42, '/'],
  ])('%s → %s', (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected)
  })
})

describe('request logging', () => {
  it('never logs query values (links carry tokens)', () => {
    expect(redactUrl('/confirmation?jeton=SECRET&x=1')).toBe('/confirmation?jeton=[masqué]&x=[masqué]')
    expect(redactUrl('/connexion')).toBe('/connexion')
  })
})
