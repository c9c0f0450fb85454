import { describe, expect, it } from 'vitest'
import { days, hours, minutes, seconds } from '../../config.ts'
import { countOf, durationInWords, plural } from './messages.ts'

describe('counts in words (Intl.PluralRules)', () => {
  it('uses the singular for 0 and 1 in French, and the plural for 0 in English', () => {
    expect(countOf('fr', 0, 'compte', 'comptes')).toBe('0 compte')
    expect(countOf('fr', 1, 'compte', 'comptes')).toBe('1 compte')
    expect(countOf('fr', 2, 'compte', 'comptes')).toBe('2 comptes')
    expect(countOf('en', 0, 'account', 'accounts')).toBe('0 accounts')
    expect(countOf('en', 1, 'account', 'accounts')).toBe('1 account')
    expect(plural('fr', 3, 'le champ signalé', 'les champs signalés')).toBe('les champs signalés')
  })
})

describe('durations in words', () => {
  it('names a duration in the largest exact unit, singular or plural', () => {
    expect(durationInWords('fr', minutes(1))).toBe('1 minute')
    expect(durationInWords('fr', minutes(30))).toBe('30 minutes')
    expect(durationInWords('fr', hours(6))).toBe('6 heures')
    expect(durationInWords('fr', minutes(90))).toBe('90 minutes')
    expect(durationInWords('fr', days(7))).toBe('7 jours')
    expect(durationInWords('fr', days(365))).toBe('1 an')
    expect(durationInWords('fr', seconds(90))).toBe('90 secondes')
    expect(durationInWords('en', seconds(20))).toBe('20 seconds')
    expect(durationInWords('en', hours(24))).toBe('1 day')
  })
})
