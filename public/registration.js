// Progressive enhancement of the registration form (user guide §2.1): a box that filters the
// chosen hospital's sites by title, abbreviation or lead's name, ignoring accents and case.
// Without this script every site is listed and the form works the same. Ticked sites stay
// visible whatever the filter, so a choice is never hidden.
'use strict'
;(function () {
  function fold (text) {
    return text.normalize('NFKD').replace(/\p{M}/gu, '')
      .replace(/œ/gi, 'oe').replace(/æ/gi, 'ae').replace(/ß/g, 'ss')
      .toLowerCase().replace(/\s+/g, ' ').trim()
  }

  function enhance () {
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

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', enhance)
  else enhance()
})()
