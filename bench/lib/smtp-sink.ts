/**
 * A real SMTP server on loopback for the suite: the application delivers its emails (the login
 * codes) over SMTP as in production, instead of the dev mailbox's shortcut. It reads each message
 * to the end and counts it; nothing is kept. Plain SMTP (no STARTTLS): TLS to a real relay costs
 * more, see docs/performance.md.
 */
import { SMTPServer } from 'smtp-server'
import { freePort } from './server.ts'

export interface SmtpSink { url: string; received: () => number; stop: () => Promise<void> }

export async function startSmtpSink (): Promise<SmtpSink> {
  let received = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // The default reverse DNS lookup of each client would measure this machine's resolver.
    disableReverseLookup: true,
    onData: (stream, _session, callback) => {
      stream.on('data', () => {})
      stream.on('end', () => {
        received++
        callback()
      })
    },
  })
  // Replies leave at once (no Nagle on the sink's side): the delays measured are the application's.
  ;(server as unknown as { server: import('node:net').Server }).server.on('connection', (socket) => socket.setNoDelay(true))
  const port = await freePort()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
