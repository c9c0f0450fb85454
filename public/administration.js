// Progressive enhancement of the account-management list (admin guide §1): every feature works
// without this file. It closes the other « Actions » menus when one opens, closes a menu with
// Escape (focus back on its summary), and adds a « select all » box for bulk activation that
// ticks only the lines awaiting activation (admin guide §4: only those can be activated).
'use strict'
;(function () {
  const menus = Array.from(document.querySelectorAll('details.actions-menu'))
  menus.forEach(function (menu) {
    menu.addEventListener('toggle', function () {
      if (!menu.open) return
      menus.forEach(function (other) { if (other !== menu) other.open = false })
    })
    menu.addEventListener('keydown', function (event) {
      if (event.key !== 'Escape' || !menu.open) return
      menu.open = false
      const summary = menu.querySelector('summary')
      if (summary) summary.focus()
    })
  })

  const boxes = Array.from(document.querySelectorAll('input[type=checkbox][form=activation-groupee][data-statut=pendingActivation]'))
  const form = document.getElementById('activation-groupee')
  if (!form || boxes.length < 2) return
  const label = document.createElement('label')
  const all = document.createElement('input')
  all.type = 'checkbox'
  label.appendChild(all)
  label.appendChild(document.createTextNode(' ' + (document.documentElement.lang === 'en' ? 'Select every account awaiting activation on this page' : 'Sélectionner tous les comptes en attente d’activation de cette page')))
  form.insertBefore(label, form.firstChild)
  all.addEventListener('change', function () { boxes.forEach(function (box) { box.checked = all.checked }) })
})()
