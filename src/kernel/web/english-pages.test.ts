/**
 * English pages speak English: every route the app registers, GET and POST, as anonymous, user,
 * account manager and super-administrator, in the English interface (the « langue » cookie). A
 * page whose visible text holds an unmistakably French word, or a French accent, fails, with the
 * route, the actor and the words. Reference data (hospital, site and lead names, the French
 * label of a profession), the subjects of the emails (sent in French) and the language switch
 * (« Français », written in French on purpose) are taken out first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, testEngine, type TestApp } from '../../../test/helpers/test-app.ts'
import { TestBrowser } from '../../../test/helpers/browser.ts'
import { createAccount, createTwoHospitals } from '../../../test/helpers/fixtures.ts'
import { signIn } from '../../../test/helpers/session.ts'

const unknownId = '00000000-0000-4000-8000-000000000000'

type Actor = 'anonymous' | 'user' | 'manager' | 'superadmin'
const actors: Actor[] = ['anonymous', 'user', 'manager', 'superadmin']

/** Words no English page has any reason to show, and the accents of French. */
const frenchWords = /\b(introuvable|erreur|compte|comptes|connexion|mot de passe|vous|votre|veuillez|demande|enregistr\w*|retour|accueil|gestion|hôpital|valider|annuler|modifier|supprimer|désactiver|activer|aide|page d’accueil)\b|[éèêàâçùûôîœ]/giu

/** Route paths the walk skips: files and machine endpoints, not pages. */
const notPages = [/^\/static\//, /^\/healthz$/, /^\/readyz$/, /^\/dev\/mailbox/, /\.csv$/, /^\/referentiel\/.*\.json$/]

function visibleText (body: string, properNouns: string[]): string {
  let text = body
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<(button|a|span)\b[^>]*\blang="fr"[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z]+;|&#\d+;/gi, ' ')
    // Paths of this site (« /gestion/comptes/… » in the journal's details) are addresses, not words.
    .replace(/\/[\w:./-]+/g, ' ')
  for (const noun of properNouns) text = text.split(noun).join(' ')
  // The subject of an email the person will look for in their inbox, quoted as it reads there.
  return text.replace(/[«“]\s*BaMaRa - [^»”]*[»”]/g, ' ')
}

describe(`every page in the English interface speaks English (${testEngine})`, () => {
  let t: TestApp
  let properNouns: string[]
  const ids: Record<string, string> = {}
  const browsers = {} as Record<Actor, TestBrowser>

  beforeAll(async () => {
    t = await buildTestApp()
    const { a, b } = await createTwoHospitals(t.db)
    ids.user = await createAccount(t.db, { email: 'user@chu-a.fr', firstName: 'Anna', lastName: 'Smith', siteIds: [a.siteIds[0] as string] })
    ids.manager = await createAccount(t.db, { email: 'manager@chu-a.fr', firstName: 'Mary', lastName: 'Jones', siteIds: [a.adminSiteId] })
    ids.superadmin = await createAccount(t.db, { email: 'super@bndmr.fr', firstName: 'Sam', lastName: 'Brown', siteIds: [], isSuperadmin: true })
    ids.pending = await createAccount(t.db, { email: 'pending@chu-a.fr', firstName: 'Paul', lastName: 'Green', siteIds: [a.siteIds[1] as string], state: 'pendingActivation' })
    const sites = await t.db.selectFrom('site').select(['title', 'abbreviation', 'lead_name']).execute()
    const hospitals = await t.db.selectFrom('hospital').select(['name', 'city']).execute()
    const professions = await t.db.selectFrom('profession').select(['label_fr']).execute()
    properNouns = [
      ...sites.flatMap((s) => [s.title, s.abbreviation, s.lead_name]), ...hospitals.flatMap((h) => [h.name, h.city]),
      // The French label of a profession, shown beside the English one on the reference-data page.
      ...professions.map((p) => p.label_fr), 'Site administrateur comptes',
    ].filter((s): s is string => typeof s === 'string' && s.length > 0).sort((x, y) => y.length - x.length)
    for (const actor of actors) {
      browsers[actor] = new TestBrowser(t.app)
      browsers[actor].cookies.set('langue', 'en')
      if (actor !== 'anonymous') await signIn(t, browsers[actor], ids[actor] as string)
    }
    void b
  })
  afterAll(async () => { await t?.close() })

  /** The path with its parameters filled: an account of the manager's hospital, or an id nobody has (a refusal thrown deep in a flow). */
  function concrete (path: string, id: string): string {
    return path.replace(/:[a-zA-Z]+/g, id)
  }

  it('has no French word on any page, whatever the route, the method and who asks', async () => {
    const routes = [...new Set(t.app.routeList.map((r) => r.split(' ')[1] as string))]
      .filter((path) => !path.includes('*') && !notPages.some((p) => p.test(path)))
    expect(routes.length).toBeGreaterThan(20)
    const found: string[] = []
    for (const path of routes) {
      for (const actor of actors) {
        for (const [method, id] of [['GET', ids.pending], ['POST', ids.pending], ['GET', unknownId], ['POST', unknownId]] as const) {
          if (id === unknownId && !path.includes(':')) continue
          const browser = browsers[actor]
          browser.cookies.set('langue', 'en')
          let response = method === 'GET' ? await browser.get(concrete(path, id as string)) : await browser.post(concrete(path, id as string), {})
          for (let hops = 0; hops < 3 && response.statusCode >= 300 && response.statusCode < 400; hops++) {
            const location = response.headers.location as string
            if (!location.startsWith('/')) break
            response = await browser.get(location)
          }
          if (!String(response.headers['content-type'] ?? '').startsWith('text/html')) continue
          // Except the language switch itself, whose empty form chooses French.
          if (path === '/langue') continue
          const text = visibleText(response.body, properNouns).replace(/\s+/g, ' ')
          const words = [...text.matchAll(frenchWords)].map((m) => `« ${text.slice(Math.max(0, m.index - 30), m.index + 30).trim()} »`)
          if (words.length > 0) found.push(`${method} ${path} as ${actor} (${response.statusCode}): ${[...new Set(words)].slice(0, 3).join(' ')}`)
        }
      }
      // Each actor's session stays alive and in English for the next route.
      for (const actor of actors) if (actor !== 'anonymous' && !browsers[actor].cookies.has(t.app.sessionCookie)) await signIn(t, browsers[actor], ids[actor] as string)
    }
    expect(found).toEqual([])
  })
})
