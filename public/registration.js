// Progressive enhancement of the registration form (user guide §2.1). Without this script the
// form works the same: « Afficher les sites de cet hôpital » posts the form back and the page
// returns with every field kept but the passwords.
// - Choosing a hospital shows its sites at once, in place (read from GET /inscription/sites),
//   and a live region announces them; nothing typed is touched. The « Afficher les sites »
//   button is removed (not hidden: a hidden submit button would still catch the Enter key).
// - A box filters the chosen hospital's sites by title, abbreviation or lead's name, ignoring
//   accents and case. Ticked sites stay visible whatever the filter, so a choice is never hidden.
'use strict'
;(function () {
  function fold (text) {
    return text.normalize('NFKD').replace(/\p{M}/gu, '')
      .replace(/œ/gi, 'oe').replace(/æ/gi, 'ae').replace(/ß/g, 'ss')
      .toLowerCase().replace(/\s+/g, ' ').trim()
  }

  function enhanceSiteFilter () {
    var holder = document.querySelector('[data-site-filter]')
    var list = document.getElementById('sites-liste')
    if (!holder || !list) return
    var labels = Array.from(list.querySelectorAll('label[data-search]'))

    var label = document.createElement('label')
    label.setAttribute('for', 'filtre-sites')
    label.textContent = holder.getAttribute('data-label') + ' '
    var hint = document.createElement('span')
    hint.className = 'hint'
    hint.id = 'filtre-sites-aide'
    hint.textContent = holder.getAttribute('data-hint')
    label.appendChild(hint)
    var input = document.createElement('input')
    input.type = 'search'
    input.id = 'filtre-sites'
    input.autocomplete = 'off'
    input.setAttribute('aria-describedby', 'filtre-sites-aide filtre-sites-nombre')
    input.setAttribute('aria-controls', 'sites-liste')
    var count = document.createElement('p')
    count.className = 'hint'
    count.id = 'filtre-sites-nombre'
    count.setAttribute('aria-live', 'polite')
    holder.classList.add('field')
    holder.append(label, input, count)

    function apply () {
      var words = fold(input.value).split(' ').filter(Boolean)
      var shown = 0
      labels.forEach(function (item) {
        var text = item.getAttribute('data-search') || ''
        var ticked = item.querySelector('input').checked
        var visible = ticked || words.every(function (word) { return text.indexOf(word) !== -1 })
        // The stylesheet gives these labels display:flex, which would override the hidden attribute.
        item.style.display = visible ? '' : 'none'
        if (visible) shown++
      })
      count.textContent = holder.getAttribute('data-count')
        .replace('{shown}', String(shown)).replace('{total}', String(labels.length))
    }
    input.addEventListener('input', apply)
    // Enter in the filter must not submit the registration form.
    input.addEventListener('keydown', function (event) { if (event.key === 'Enter') event.preventDefault() })
    apply()
  }

  function enhanceHospitalChoice () {
    var select = document.getElementById('hopital')
    var area = document.getElementById('sites-choix')
    var button = document.querySelector('[data-show-sites]')
    if (!select || !area || !button || !window.fetch) return
    var announcer = document.createElement('p')
    announcer.className = 'visually-hidden'
    announcer.id = 'sites-annonce'
    announcer.setAttribute('aria-live', 'polite')
    area.after(announcer)
    // Put back if the sites cannot be loaded: then the form falls back to posting itself.
    var buttonHolder = button.parentElement
    var buttonPlace = document.createComment('afficher-sites')
    buttonHolder.replaceWith(buttonPlace)
    var latest = 0

    select.addEventListener('change', function () {
      var request = ++latest
      var url = select.getAttribute('data-sites-url') + '?hopital=' + encodeURIComponent(select.value)
      fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } })
        .then(function (response) {
          if (!response.ok && response.status !== 404) throw new Error('HTTP ' + response.status)
          return response.text()
        })
        .then(function (markup) {
          // A slower answer for a hospital chosen earlier must not replace the latest one.
          if (request !== latest) return
          var template = document.createElement('template')
          template.innerHTML = markup
          area.replaceChildren(template.content)
          enhanceSiteFilter()
          var fieldset = area.querySelector('[data-announce]')
          announcer.textContent = fieldset ? fieldset.getAttribute('data-announce') : ''
        })
        .catch(function () {
          if (request !== latest) return
          if (buttonPlace.parentNode) buttonPlace.replaceWith(buttonHolder)
          announcer.textContent = select.getAttribute('data-sites-unavailable')
        })
    })
  }

  function enhance () {
    enhanceHospitalChoice()
    enhanceSiteFilter()
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', enhance)
  else enhance()
})()
