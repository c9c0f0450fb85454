// Progressive enhancement of the edit form (admin guide §3.4.1–3.4.2): the form works without
// this file (every button posts the whole form and the page comes back with what was typed).
// With it, « Ajouter un site » becomes a combobox that suggests sites as you type (WAI-ARIA APG
// « combobox with listbox popup »: arrows move in the list, Enter picks, Escape closes then
// clears), a cross removes its label in place, « Inverser nom et prénom » swaps the two fields in
// place, and a live region says what was added or removed. Nothing is saved before « Valider »:
// the changes travel as the same hidden inputs (« ajouter », « retirer ») the server renders.
'use strict'
;(function () {
  // « Label (Hôpital) », except where the label already ends with its hospital (as siteLabel on the server).
  function withHospital (label, hospitalName) {
    return label.slice(-hospitalName.length - 2) === '(' + hospitalName + ')' ? label : label + ' (' + hospitalName + ')'
  }

  function enhance () {
    var form = document.getElementById('fiche')
    var holder = form && form.querySelector('[data-site-combobox]')
    var input = document.getElementById('recherche-site')
    var tags = document.getElementById('sites-etiquettes')
    var changes = form && form.querySelector('[data-site-changes]')
    var announcer = document.getElementById('sites-annonce')
    if (!holder || !input || !tags || !changes || !announcer) return
    var text = function (name, label) { return (holder.getAttribute('data-' + name) || '').replace('{label}', label || '') }

    // The combobox and its listbox.
    var listbox = document.createElement('ul')
    listbox.id = 'sites-proposes'
    listbox.setAttribute('role', 'listbox')
    listbox.setAttribute('aria-label', text('listbox-label'))
    listbox.className = 'combobox-listbox'
    listbox.hidden = true
    input.insertAdjacentElement('afterend', listbox)
    input.setAttribute('role', 'combobox')
    input.setAttribute('aria-autocomplete', 'list')
    input.setAttribute('aria-expanded', 'false')
    input.setAttribute('aria-controls', listbox.id)
    holder.classList.add('combobox-ready')
    var searchButton = holder.querySelector('[data-search-button]')
    if (searchButton) searchButton.hidden = true
    var error = document.createElement('p')
    error.className = 'field-error'
    error.id = 'sites-erreur'
    error.setAttribute('role', 'alert')
    tags.insertAdjacentElement('afterend', error)

    var options = []
    var active = -1
    var pending = null
    var timer = 0

    function announce (message) {
      // A change of text is what screen readers announce: empty first, so a repeat is heard too.
      announcer.textContent = ''
      window.setTimeout(function () { announcer.textContent = message }, 50)
    }
    function hiddenInput (name, id) { return changes.querySelector('input[name="' + name + '"][value="' + CSS.escape(id) + '"]') }
    function tagOf (id) { return tags.querySelector('li[data-site-id="' + CSS.escape(id) + '"]') }

    function close () {
      listbox.hidden = true
      input.setAttribute('aria-expanded', 'false')
      input.removeAttribute('aria-activedescendant')
      active = -1
    }
    function setActive (index) {
      options.forEach(function (option, i) { option.element.setAttribute('aria-selected', i === index ? 'true' : 'false') })
      active = index
      if (index < 0) { input.removeAttribute('aria-activedescendant'); return }
      input.setAttribute('aria-activedescendant', options[index].element.id)
      options[index].element.scrollIntoView({ block: 'nearest' })
    }
    function show (sites) {
      listbox.textContent = ''
      options = sites.map(function (site, i) {
        var element = document.createElement('li')
        element.id = 'site-propose-' + i
        element.setAttribute('role', 'option')
        element.setAttribute('aria-selected', 'false')
        var already = Boolean(tagOf(site.id))
        element.textContent = withHospital(site.label, site.hospitalName) + (site.leadName ? ' — ' + site.leadName : '') + (already ? ' — ' + text('already') : '')
        if (already) element.setAttribute('aria-disabled', 'true')
        element.addEventListener('mousedown', function (event) { event.preventDefault() })
        element.addEventListener('click', function () { if (!already) pick(site) })
        listbox.appendChild(element)
        return { site: site, element: element, already: already }
      })
      if (options.length === 0) {
        var none = document.createElement('li')
        none.className = 'combobox-none'
        none.textContent = text('none')
        listbox.appendChild(none)
      }
      listbox.hidden = false
      input.setAttribute('aria-expanded', 'true')
      active = -1
      announce(options.length === 0 ? text('none') : options.length === 1 ? text('count-one') : text('count').replace('{n}', String(options.length)))
    }
    function suggest () {
      var term = input.value.trim()
      if (pending) pending.abort()
      if (term === '') { close(); return }
      pending = new AbortController()
      fetch(holder.getAttribute('data-suggest-url') + '?q=' + encodeURIComponent(term), { headers: { accept: 'application/json' }, signal: pending.signal })
        .then(function (response) { return response.ok ? response.json() : { sites: [] } })
        .then(function (answer) { if (input.value.trim() === term) show(answer.sites || []) })
        .catch(function () { /* aborted by a newer search, or offline: the list stays as it was */ })
    }

    function addTag (site, isNew) {
      var item = document.createElement('li')
      item.setAttribute('data-site-id', site.id)
      item.setAttribute('data-label', site.label)
      var tag = document.createElement('span')
      tag.className = 'tag'
      tag.appendChild(document.createTextNode(withHospital(site.label, site.hospitalName)))
      if (isNew) {
        var mark = document.createElement('em')
        mark.className = 'tag-new'
        mark.textContent = text('new')
        tag.appendChild(document.createTextNode(' '))
        tag.appendChild(mark)
      }
      var cross = document.createElement('button')
      cross.type = 'submit'
      cross.name = 'croix'
      cross.value = site.id
      cross.className = 'link-button'
      cross.setAttribute('aria-label', text('remove-label', site.label))
      cross.title = text('remove-label', site.label)
      cross.textContent = '×'
      tag.appendChild(document.createTextNode(' '))
      tag.appendChild(cross)
      item.appendChild(tag)
      tags.appendChild(item)
    }

    // §3.4.1: a site chosen goes on the list (or back on it, when its cross had been clicked).
    function pick (site) {
      var removal = hiddenInput('retirer', site.id)
      if (removal) removal.remove()
      else if (!hiddenInput('ajouter', site.id)) {
        var added = document.createElement('input')
        added.type = 'hidden'
        added.name = 'ajouter'
        added.value = site.id
        changes.appendChild(added)
      }
      if (!tagOf(site.id)) addTag(site, !removal)
      error.textContent = ''
      input.value = ''
      close()
      input.focus()
      announce(text('label-added', site.label))
    }

    // §3.4.2: « cliquez sur la croix à côté de l'étiquette du site à supprimer », never the last one.
    function removeTag (cross) {
      var item = cross.closest('li[data-site-id]')
      var id = item.getAttribute('data-site-id')
      var items = Array.prototype.slice.call(tags.querySelectorAll('li[data-site-id]'))
      if (items.length <= 1) { error.textContent = text('last-site'); return }
      error.textContent = ''
      var added = hiddenInput('ajouter', id)
      if (added) added.remove()
      else if (!hiddenInput('retirer', id)) {
        var removal = document.createElement('input')
        removal.type = 'hidden'
        removal.name = 'retirer'
        removal.value = id
        changes.appendChild(removal)
      }
      var next = items[items.indexOf(item) + 1] || items[items.indexOf(item) - 1]
      item.remove()
      var focusTarget = next && next.querySelector('button[name=croix]')
      ;(focusTarget || input).focus()
      announce(text('label-removed', item.getAttribute('data-label') || ''))
    }

    tags.addEventListener('click', function (event) {
      var cross = event.target.closest('button[name=croix]')
      if (!cross) return
      event.preventDefault()
      removeTag(cross)
    })
    // The results of a search made before this script ran (« Ajouter » buttons) act in place too.
    holder.addEventListener('click', function (event) {
      var choose = event.target.closest('button[name=choisir]')
      if (!choose) return
      event.preventDefault()
      pick({ id: choose.value, label: choose.getAttribute('data-label') || '', hospitalName: choose.getAttribute('data-hospital') || '' })
      choose.closest('li').remove()
    })

    input.addEventListener('input', function () {
      window.clearTimeout(timer)
      timer = window.setTimeout(suggest, 150)
    })
    input.addEventListener('keydown', function (event) {
      var open = !listbox.hidden
      var selectable = options.map(function (o, i) { return o.already ? -1 : i }).filter(function (i) { return i >= 0 })
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault()
        if (!open) { suggest(); return }
        if (selectable.length === 0) return
        var position = selectable.indexOf(active)
        if (event.key === 'ArrowDown') setActive(selectable[position < 0 || position === selectable.length - 1 ? 0 : position + 1])
        else setActive(selectable[position <= 0 ? selectable.length - 1 : position - 1])
      } else if (event.key === 'Enter') {
        // Enter never submits the form from here: it picks the highlighted site, or searches.
        event.preventDefault()
        if (open && active >= 0) pick(options[active].site)
        else suggest()
      } else if (event.key === 'Escape') {
        if (open) { event.preventDefault(); close() } else if (input.value !== '') { event.preventDefault(); input.value = '' }
      }
    })
    input.addEventListener('blur', function () { window.setTimeout(close, 150) })

    // §3.1 « Il arrive que des utilisateurs inversent leur nom et leur prénom »: swapped in place.
    var swap = form.querySelector('[data-swap-names]')
    var lastName = document.getElementById('nom')
    var firstName = document.getElementById('prenom')
    if (swap && lastName && firstName) {
      swap.addEventListener('click', function (event) {
        event.preventDefault()
        var last = lastName.value
        lastName.value = firstName.value
        firstName.value = last
        announce(swap.getAttribute('data-swapped') || '')
      })
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', enhance)
  else enhance()
})()
