/**
 * Our emails as MIME, written by us: every email of the service has the same shape (a plain-text
 * and an HTML version of one message, UTF-8), so it is built in one pass over two strings,
 * handed to the SMTP transport as `raw`, instead of through nodemailer's general composer
 * (streams, parsers, encoders for every case) — about half of the CPU an email cost
 * (docs/performance.md).
 *
 * Bodies are base64 (any UTF-8, no line longer than 76 characters); header values that are not
 * plain ASCII are RFC 2047 encoded words. Recipients and subjects were made single-line and
 * checked in compose.ts: nothing here can add a header.
 */
import { randomBytes } from 'node:crypto'

export interface MimeMessage {
  /** The From header as configured (MAIL_FROM), e.g. `BaMaRa <no-reply@bamara.fr>`. */
  from: string
  to: string
  subject: string
  text: string
  html: string | null
  date: Date
}

/** The bare address of a From header (`Name <a@b>` or `a@b`): the SMTP envelope's sender. */
export function addressOf (mailbox: string): string {
  return /<([^<>]+)>\s*$/.exec(mailbox)?.[1]?.trim() ?? mailbox.trim()
}

export function buildMime (message: MimeMessage): string {
  const domain = addressOf(message.from).split('@')[1] ?? 'localhost'
  const headers = [
    `From: ${encodeMailbox(message.from)}`,
    `To: ${message.to}`,
    `Subject: ${encodeWords(message.subject)}`,
    `Date: ${rfc5322Date(message.date)}`,
    `Message-ID: <${randomBytes(16).toString('hex')}@${domain}>`,
    'MIME-Version: 1.0',
  ]
  const text = textPart('text/plain', message.text)
  if (message.html === null) return [...headers, text, ''].join('\r\n')
  const boundary = `--_bamara_${randomBytes(12).toString('hex')}`
  return [
    ...headers,
    'Content-Type: multipart/alternative;',
    ` boundary="${boundary}"`,
    '',
    `--${boundary}`,
    text,
    `--${boundary}`,
    textPart('text/html', message.html),
    `--${boundary}--`,
    '',
  ].join('\r\n')
}

function textPart (type: string, body: string): string {
  const base64 = Buffer.from(body, 'utf8').toString('base64')
  const lines: string[] = []
  for (let i = 0; i < base64.length; i += 76) lines.push(base64.slice(i, i + 76))
  return [`Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', ...lines].join('\r\n')
}

const printableAscii = /^[\x20-\x7e]*$/

/** `Name <a@b>`: the name encoded if needed, the address as it is. */
function encodeMailbox (mailbox: string): string {
  const match = /^(.*?)\s*<([^<>]+)>\s*$/.exec(mailbox)
  if (!match) return mailbox.trim()
  const name = (match[1] ?? '').replace(/^"(.*)"$/, '$1')
  if (name === '') return `<${match[2]}>`
  const shown = printableAscii.test(name) ? (/[()<>[\]:;@\\,."]/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : name) : encodeWords(name)
  return `${shown} <${match[2]}>`
}

/**
 * RFC 2047 encoded words of at most 39 bytes of UTF-8 (64 characters: a header line stays under
 * 78 with its name), never a character cut
 * in two), folded on separate lines; plain ASCII stays as it is.
 */
export function encodeWords (value: string): string {
  if (printableAscii.test(value)) return value
  const words: string[] = []
  let chunk = ''
  for (const character of value) {
    if (Buffer.byteLength(chunk + character) > 39) {
      words.push(chunk)
      chunk = ''
    }
    chunk += character
  }
  if (chunk) words.push(chunk)
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join('\r\n ')
}

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const two = (n: number) => String(n).padStart(2, '0')

/** `Sat, 05 Dec 2026 05:00:00 +0000` (RFC 5322 §3.3, in UTC). */
function rfc5322Date (date: Date): string {
  return `${days[date.getUTCDay()]}, ${two(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
}
