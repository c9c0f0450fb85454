/**
 * HTML that escapes by default. `html\`…\`` escapes every interpolated value unless it is
 * itself `Html` built by this tag, so forgetting to escape is impossible: a string can only
 * become markup through `html` (or `trustedHtml`, reserved for constants written in the code).
 */
export class Html {
  constructor (readonly value: string) {}
  toString () { return this.value }
}

export type Interpolation = Html | string | number | boolean | null | undefined | readonly Interpolation[]

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' }

export function escapeHtml (text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => escapes[c] as string)
}

function render (value: Interpolation): string {
  if (value instanceof Html) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  if (value === null || value === undefined || value === false || value === true) return ''
  return escapeHtml(String(value))
}

export function html (strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) out += render(values[i] as Interpolation) + (strings[i + 1] ?? '')
  return new Html(out)
}

/** Markup written in our own source (never data). Kept separate so a reviewer can grep for it. */
export function trustedHtml (markup: string): Html {
  return new Html(markup)
}

export function renderToString (value: Html): string {
  return value.value
}
