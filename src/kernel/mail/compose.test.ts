import { describe, expect, it } from 'vitest'
import { composeEmail, greetingLine } from './compose.ts'

const context = { appName: 'BaMaRa', supportEmail: 'support@bamara.test', appBaseUrl: 'http://bamara.test' }

describe('the greeting of every email', () => {
  it('greets a person by civility and last name, or nobody by name', () => {
    expect(greetingLine({ civility: 'mme', lastName: 'Martin' })).toBe('Bonjour Madame Martin,')
    expect(greetingLine({ civility: 'm', lastName: 'Durand' })).toBe('Bonjour Monsieur Durand,')
    expect(greetingLine('anyone')).toBe('Bonjour,')
  })

  it('opens the plain text and the HTML with it', () => {
    const email = composeEmail(context, { template: 'test', to: 'a@chu-a.fr', subject: 'x', greeting: { civility: 'm', lastName: 'Durand' }, paragraphs: ['p'] })
    expect(email.text.split('\n')[0]).toBe('Bonjour Monsieur Durand,')
    expect(email.html).toContain('<p>Bonjour Monsieur Durand,</p>')
  })
})
