/**
 * Puts what a person typed back into a page's form (user guide §3.4: after a session expired and
 * the login that followed). Works on the markup this app renders (`html` tag: attributes always
 * double-quoted, values escaped), so every page's form is refilled without each view knowing:
 * text fields get their value, boxes and options their check, text areas their text. Hidden
 * fields (ids, CSRF token), passwords and buttons keep what the page rendered.
 */
import { escapeHtml } from './html.ts'

export type RestoredFields = Record<string, string | string[]>

const formPattern = /<form\b[^>]*>[\s\S]*?<\/form>/g
const keepAsRendered = new Set(['hidden', 'password', 'submit', 'button', 'reset', 'image', 'file'])

function attribute (tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag)
  return match ? unescapeHtml(match[1] as string) : undefined
}

function unescapeHtml (text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#96;/g, '`').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
}

function withoutAttribute (tag: string, name: string): string {
  return tag.replace(new RegExp(`\\s${name}(="[^"]*")?(?=[\\s>/])`, 'gi'), '')
}

function withAttribute (tag: string, name: string, value?: string): string {
  const bare = withoutAttribute(tag, name)
  const added = value === undefined ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`
  return bare.replace(/\s*(\/?)>$/, `${added}$1>`)
}

function valuesOf (fields: RestoredFields, name: string): string[] | undefined {
  const value = fields[name]
  return value === undefined ? undefined : Array.isArray(value) ? value : [value]
}

function restoreInput (tag: string, fields: RestoredFields): string {
  const name = attribute(tag, 'name')
  const type = (attribute(tag, 'type') ?? 'text').toLowerCase()
  const values = name === undefined ? undefined : valuesOf(fields, name)
  if (values === undefined || keepAsRendered.has(type)) return tag
  if (type === 'checkbox' || type === 'radio') {
    const checked = values.includes(attribute(tag, 'value') ?? 'on')
    return checked ? withAttribute(tag, 'checked') : withoutAttribute(tag, 'checked')
  }
  return withAttribute(tag, 'value', values[0] ?? '')
}

function restoreSelect (select: string, fields: RestoredFields): string {
  const name = attribute(/^<select\b[^>]*>/i.exec(select)?.[0] ?? '', 'name')
  const values = name === undefined ? undefined : valuesOf(fields, name)
  if (values === undefined) return select
  return select.replace(/<option\b[^>]*>/gi, (option) =>
    values.includes(attribute(option, 'value') ?? '') ? withAttribute(option, 'selected') : withoutAttribute(option, 'selected'))
}

function restoreTextarea (open: string, fields: RestoredFields, rendered: string): string {
  const name = attribute(open, 'name')
  const values = name === undefined ? undefined : valuesOf(fields, name)
  return `${open}${values === undefined ? rendered : escapeHtml(values[0] ?? '')}</textarea>`
}

/**
 * The page with the form posted to `action` refilled and `notice` (markup) put just before it;
 * undefined when the page has no such form (the page changed: nothing is shown).
 */
export function restoreForm (page: string, action: string, fields: RestoredFields, notice: string): string | undefined {
  let restored = false
  const result = page.replace(formPattern, (form) => {
    const open = /^<form\b[^>]*>/i.exec(form)?.[0] ?? ''
    if (restored || (attribute(open, 'method') ?? 'get').toLowerCase() !== 'post' || attribute(open, 'action') !== action) return form
    restored = true
    const refilled = form
      .replace(/<select\b[^>]*>[\s\S]*?<\/select>/gi, (select) => restoreSelect(select, fields))
      .replace(/(<textarea\b[^>]*>)([\s\S]*?)<\/textarea>/gi, (_all, textareaOpen: string, text: string) => restoreTextarea(textareaOpen, fields, text))
      .replace(/<input\b[^>]*>/gi, (input) => restoreInput(input, fields))
    return `${notice}${refilled}`
  })
  return restored ? result : undefined
}
