/**
 * Information pages: the rules they show. The help page states the guide's durations and counts
 * from `app.rules`, never from copies, so a rule changed in `config.ts` changes the guide too.
 */
import type { Rules } from '../../config.ts'
import type { Lang } from '../../kernel/web/messages.ts'
import type { CurrentAccount } from '../../kernel/web/context.ts'
import { messages } from './messages.ts'

/** « Mme Dupont », « M. Martin »: how the guide's emails and pages greet a user. */
export function formalName (account: Pick<CurrentAccount, 'civility' | 'lastName'>, lang: Lang): string {
  return `${messages[lang].civility[account.civility]} ${account.lastName}`
}

/** What the help page needs to state the rules as they are configured. */
export interface GuideFacts {
  appName: string
  appBaseUrl: string
  supportEmail: string
  rules: Rules
}
