/**
 * The « nouveau mot de passe » / « confirmez votre nouveau mot de passe » pair with the list of
 * rules (user guide §2.1), shared by the reset page and « Mon compte ». Without JavaScript the
 * list is plain guidance and the server names each broken rule; `password-rules.js` (from the
 * registration page, same markup) ticks the rules as the user types (progressive enhancement).
 */
import type { Rules } from '../../../config.ts'
import type { PasswordRule } from '../../../kernel/security/passwords.ts'
import { html, type Html } from '../../../kernel/web/html.ts'
import type { Lang } from '../../../kernel/web/messages.ts'
import { fieldError, invalidAttributes, type FieldErrors } from '../../../kernel/web/forms.ts'
import type { NewPasswordProblems } from '../new-password.ts'
import { messages } from '../messages.ts'

export const newPasswordField = 'nouveauMotDePasse'
export const confirmationField = 'confirmation'

/** Rules the script can tick as the user types (the names `public/password-rules.js` knows). */
const liveRules = ['length', 'lowercase', 'uppercase', 'digit', 'special'] as const

/** The registration page's script: it ticks each rule of the list as the user types. */
export const passwordRulesScripts: string[] = ['password-rules.js']

function ruleLimit (rule: PasswordRule, rules: Rules): number {
  return rule === 'tooLong' ? rules.passwordMaximumLength : rules.passwordMinimumLength
}

/** One message per broken rule, on the new-password field; the mismatch on the confirmation. */
export function newPasswordErrors (lang: Lang, rules: Rules, problems: NewPasswordProblems): FieldErrors {
  const t = messages[lang]
  const errors: FieldErrors = {}
  if (problems.brokenRules.length > 0) {
    errors[newPasswordField] = problems.brokenRules.map((rule) => t.ruleBroken[rule](ruleLimit(rule, rules))).join(' ')
  }
  if (problems.mismatch) errors[confirmationField] = t.passwordsDiffer
  return errors
}

export function newPasswordLabels (lang: Lang): Record<string, string> {
  const t = messages[lang]
  return { [newPasswordField]: t.newPasswordLabel, [confirmationField]: t.confirmationLabel }
}

export function newPasswordFields (lang: Lang, rules: Rules, errors: FieldErrors): Html {
  const t = messages[lang]
  return html`<div class="field">
    <label for="${newPasswordField}">${t.newPasswordLabel}</label>
    <input type="password" id="${newPasswordField}" name="${newPasswordField}" autocomplete="new-password" required maxlength="${rules.passwordMaximumLength}"${invalidAttributes(errors, newPasswordField, 'regles-mot-de-passe')}>
    <div id="regles-mot-de-passe">
      <p class="hint">${t.rulesIntro}</p>
      <ul class="rules" data-password-rules="${newPasswordField}" data-minimum-length="${rules.passwordMinimumLength}" data-met="${t.ruleMet}" data-not-met="${t.ruleNotMet}">
        ${liveRules.map((rule) => html`<li data-rule="${rule}">${t.rules[rule](rules.passwordMinimumLength)}<span class="visually-hidden" data-rule-state></span></li>`)}
      </ul>
      <p class="hint">${t.rulesHint}</p>
    </div>
    ${fieldError(errors, newPasswordField)}
  </div>
  <div class="field">
    <label for="${confirmationField}">${t.confirmationLabel}</label>
    <input type="password" id="${confirmationField}" name="${confirmationField}" autocomplete="new-password" required maxlength="${rules.passwordMaximumLength}"${invalidAttributes(errors, confirmationField)}>
    ${fieldError(errors, confirmationField)}
  </div>`
}
