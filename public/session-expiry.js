// Session expiry without surprise (user guide §3.4 « Session expirée »): a dialog opens
// `data-session-warning` ms before the idle timeout (`data-session-time-left` ms from the page's
// load) and offers « Rester connecté », which renews the session on the server. When the time is
// up, the dialog says so and offers to log in again (the login brings the user back here).
// Without this file nothing opens, and a form posted after expiry is kept for after the login.
'use strict'
;(function () {
  const body = document.body
  const dialog = document.getElementById('session-expiration')
  const timeLeft = Number(body.dataset.sessionTimeLeft)
  const warning = Number(body.dataset.sessionWarning)
  if (!dialog || typeof dialog.showModal !== 'function' || !Number.isFinite(timeLeft) || !Number.isFinite(warning)) return
  const form = dialog.querySelector('form')
  const warningPart = dialog.querySelector('[data-state=warning]')
  const expiredPart = dialog.querySelector('[data-state=expired]')
  const stay = form.querySelector('button[type=submit]')
  let deadline = Date.now() + timeLeft
  let timers = []
  let focusBefore = null
  let expired = false

  function schedule () {
    timers.forEach(clearTimeout)
    timers = [
      setTimeout(open, Math.max(0, deadline - warning - Date.now())),
      setTimeout(showExpired, Math.max(0, deadline - Date.now())),
    ]
  }

  function open () {
    if (dialog.open) return
    focusBefore = document.activeElement
    dialog.showModal()
    stay.focus()
  }

  function showExpired () {
    expired = true
    warningPart.hidden = true
    expiredPart.hidden = false
    dialog.setAttribute('aria-labelledby', 'session-expiration-expiree')
    open()
    const link = expiredPart.querySelector('a')
    if (link) link.focus()
  }

  function close () {
    dialog.close()
    if (focusBefore && typeof focusBefore.focus === 'function') focusBefore.focus()
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault()
    stay.disabled = true
    fetch(form.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new FormData(form)).toString(),
    }).then(function (response) {
      if (!response.ok) throw new Error('session not renewed')
      return response.json()
    }).then(function (answer) {
      deadline = Date.now() + Number(answer.timeLeft)
      close()
      schedule()
    }).catch(showExpired).finally(function () { stay.disabled = false })
  })

  // Escape closes the dialog without renewing: the warning comes back only if time runs out.
  dialog.addEventListener('cancel', function (event) {
    if (expired) event.preventDefault()
    else setTimeout(function () { if (focusBefore && focusBefore.focus) focusBefore.focus() }, 0)
  })

  schedule()
})()
