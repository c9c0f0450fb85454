/** The console's landing page line for super-administrators: the client applications. */
import type { FastifyRequest } from 'fastify'
import { html, type Html } from '../../../kernel/web/html.ts'
import type { Manager } from '../../../kernel/accounts/managed-accounts.ts'
import { messages } from '../messages.ts'
import { clientsBase } from './clients.ts'

/** The box app.ts gives the console's landing page; nothing for account managers. */
export async function clientsConsoleBox (request: FastifyRequest, manager: Manager): Promise<Html> {
  if (!manager.isSuperadmin) return html``
  return html`<p class="console-links"><a href="${clientsBase}">${messages[request.lang].clientsTitle}</a></p>`
}
