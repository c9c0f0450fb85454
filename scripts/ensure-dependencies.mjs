// `npm start` and `npm test` on a fresh clone: installs the locked dependencies first when they
// are missing or were installed from another package-lock.json (Node built-ins only, since
// nothing else is installed yet). The lock file's SHA-256 is kept in node_modules after each
// install and compared, not file times: a copy or a checkout gives every file new times without
// changing what is installed, and must not reinstall; a changed lock must.
import { execSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import process from 'node:process'

const lockFile = 'package-lock.json'
const stampFile = 'node_modules/.package-lock.sha256'
const npmMarker = 'node_modules/.package-lock.json'

const lockHash = createHash('sha256').update(fs.readFileSync(lockFile)).digest('hex')
const stamp = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : undefined

// node_modules installed before the stamp existed: trusted once if npm's own record of the
// install is not older than the lock (the former rule), then stamped.
const installedBeforeStamps = stamp === undefined && fs.existsSync(npmMarker) &&
  fs.statSync(npmMarker).mtimeMs >= fs.statSync(lockFile).mtimeMs

if (installedBeforeStamps) {
  fs.writeFileSync(stampFile, `${lockHash}\n`)
} else if (stamp !== lockHash) {
  process.stdout.write('Installation des dépendances (npm ci)…\n')
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' })
  fs.writeFileSync(stampFile, `${lockHash}\n`)
}
