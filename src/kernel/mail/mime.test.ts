import { describe, expect, it } from 'vitest'
import { addressOf, buildMime, encodeWords } from './mime.ts'

const decodeWords = (value: string) => value.replace(/\?=\r\n =\?UTF-8\?B\?/g, '?==?UTF-8?B?')
  .replace(/=\?UTF-8\?B\?([^?]*)\?=/g, (_m, b64: string) => `\u0000${b64}`)
  .split('\u0000').filter(Boolean).map((b64) => Buffer.from(b64, 'base64')).reduce((a, b) => Buffer.concat([a, b]), Buffer.alloc(0)).toString('utf8')

describe('MIME messages written by us', () => {
  const message = {
    from: 'BaMaRa <no-reply@bamara.test>', to: 'claire@chu-a.fr', subject: 'BaMaRa - Votre code de connexion — à saisir dans la minute, Hélène',
    text: 'Bonjour Madame Lévêque,\n\nVotre code : 12345678', html: '<p>Bonjour Madame Lévêque,</p>', date: new Date(Date.UTC(2026, 11, 5, 5, 7, 9)),
  }

  it('writes the headers once, each line within the limits, and the bodies as UTF-8 base64', () => {
    const raw = buildMime(message)
    const [head, ...rest] = raw.split('\r\n\r\n')
    expect(head).toMatch(/^From: BaMaRa <no-reply@bamara\.test>\r\nTo: claire@chu-a\.fr\r\nSubject: =\?UTF-8\?B\?/)
    expect(head).toContain('\r\nDate: Sat, 05 Dec 2026 05:07:09 +0000\r\n')
    expect(head).toMatch(/\r\nMessage-ID: <[0-9a-f]{32}@bamara\.test>\r\n/)
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78)
    expect(raw).not.toMatch(/[^\r]\n/)
    const boundary = /boundary="([^"]+)"/.exec(raw)?.[1] ?? ''
    const parts = rest.join('\r\n\r\n').split(`--${boundary}`)
    expect(parts.at(-1)).toBe('--\r\n')
    const bodyOf = (type: string) => {
      const part = parts.find((p) => p.includes(`Content-Type: ${type}; charset=utf-8`)) ?? ''
      return Buffer.from(part.split('\r\n\r\n')[1]?.replace(/\s+/g, '') ?? '', 'base64').toString('utf8')
    }
    expect(bodyOf('text/plain')).toBe(message.text)
    expect(bodyOf('text/html')).toBe(message.html)
  })

  it('encodes non-ASCII subjects and names as encoded words that never cut a character', () => {
    const subject = 'é'.repeat(40) + '🩺' + 'ü'.repeat(30)
    const encoded = encodeWords(subject)
    for (const word of encoded.split('\r\n ')) expect(word.length).toBeLessThanOrEqual(75)
    expect(decodeWords(encoded)).toBe(subject)
    expect(encodeWords('Plain ASCII subject')).toBe('Plain ASCII subject')
    expect(buildMime({ ...message, from: 'Équipe BaMaRa <no-reply@bamara.test>' })).toMatch(/^From: =\?UTF-8\?B\?[^?]+\?= <no-reply@bamara\.test>\r\n/)
    expect(buildMime({ ...message, from: 'BaMaRa, CHU <no-reply@bamara.test>' })).toMatch(/^From: "BaMaRa, CHU" <no-reply@bamara\.test>\r\n/)
  })

  it('takes the envelope sender from the configured From', () => {
    expect(addressOf('BaMaRa <no-reply@bamara.test>')).toBe('no-reply@bamara.test')
    expect(addressOf('no-reply@bamara.test')).toBe('no-reply@bamara.test')
  })

  it('writes a single plain-text part when there is no HTML version', () => {
    const raw = buildMime({ ...message, html: null })
    expect(raw).not.toContain('multipart')
    expect(raw).toContain('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n')
  })
})
