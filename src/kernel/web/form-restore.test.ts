import { describe, expect, it } from 'vitest'
import { restoreForm } from './form-restore.ts'

const page = `<main><form method="get" action="/chercher"><input type="search" name="q" value=""></form>
<form method="post" action="/gestion/comptes/1" novalidate>
<input type="hidden" name="_csrf" value="fresh-token">
<input type="text" id="nom" name="nom" value="Dupont" required>
<input type="email" name="email" value="a@b.fr">
<input type="password" name="password">
<label><input type="radio" name="civilite" value="mme" checked> Mme</label><label><input type="radio" name="civilite" value="m"> M.</label>
<input type="checkbox" name="sites" value="s1" checked><input type="checkbox" name="sites" value="s2">
<select name="profession"><option value="medecin" selected>Médecin</option><option value="infirmier">Infirmier</option></select>
<textarea name="note">avant</textarea>
<button type="submit">Valider</button></form></main>`

describe('restoreForm: what was typed back in the page’s form (user guide §3.4)', () => {
  const fields = { nom: 'Du<pont> "2"', email: 'x@y.fr', civilite: 'm', sites: ['s2'], profession: 'infirmier', note: 'après </textarea>', _csrf: 'old', password: 'secret', q: 'nope' }
  const restored = restoreForm(page, '/gestion/comptes/1', fields, '<p class="notice">non enregistré</p>') as string

  it('refills text fields, boxes, options and text areas, escaped', () => {
    expect(restored).toContain('name="nom" required value="Du&lt;pont&gt; &quot;2&quot;">')
    expect(restored).toContain('name="email" value="x@y.fr">')
    expect(restored).toContain('<input type="radio" name="civilite" value="mme">')
    expect(restored).toContain('<input type="radio" name="civilite" value="m" checked>')
    expect(restored).toContain('<input type="checkbox" name="sites" value="s1"><input type="checkbox" name="sites" value="s2" checked>')
    expect(restored).toContain('<option value="medecin">Médecin</option><option value="infirmier" selected>Infirmier</option>')
    expect(restored).toContain('<textarea name="note">après &lt;/textarea&gt;</textarea>')
  })

  it('keeps the page’s own hidden fields and never fills a password', () => {
    expect(restored).toContain('name="_csrf" value="fresh-token"')
    expect(restored).toContain('<input type="password" name="password">')
    expect(restored).not.toContain('secret')
  })

  it('touches only the form posted to that address, and puts the notice just before it', () => {
    expect(restored).toContain('name="q" value=""')
    expect(restored).toContain('<p class="notice">non enregistré</p><form method="post" action="/gestion/comptes/1"')
    expect(restoreForm(page, '/ailleurs', fields, '')).toBeUndefined()
  })
})
