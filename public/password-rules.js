// Progressive enhancement of a password field (user guide §2.1): each rule of the list shown
// under the field is marked as met while the user types. The list is in the HTML already and the
// server checks every rule again; this only helps. Markup:
//   <ul data-password-rules="INPUT_ID" data-minimum-length="8" data-met="…" data-not-met="…">
//     <li data-rule="length|lowercase|uppercase|digit|special">… <span data-rule-state></span></li>
'use strict'
;(function () {
  var tests = {
    length: function (value, list) { return Array.from(value).length >= Number(list.getAttribute('data-minimum-length') || 8) },
    lowercase: function (value) { return /\p{Ll}/u.test(value) },
    uppercase: function (value) { return /\p{Lu}/u.test(value) },
    digit: function (value) { return /\p{Nd}/u.test(value) },
    special: function (value) { return /[^\p{L}\p{Nd}]/u.test(value) },
  }

  function refresh (input, list) {
    var value = input.value
    list.querySelectorAll('li[data-rule]').forEach(function (item) {
      var test = tests[item.getAttribute('data-rule')]
      if (!test) return
      var met = test(value, list)
      item.classList.toggle('met', met)
      var state = item.querySelector('[data-rule-state]')
      if (state) state.textContent = ' (' + (met ? list.getAttribute('data-met') : list.getAttribute('data-not-met')) + ')'
    })
  }

  function enhance () {
    document.querySelectorAll('[data-password-rules]').forEach(function (list) {
      var input = document.getElementById(list.getAttribute('data-password-rules'))
      if (!input) return
      input.addEventListener('input', function () { refresh(input, list) })
      refresh(input, list)
    })
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', enhance)
  else enhance()
})()
