// `npm start` on a fresh clone: installs the locked dependencies first when they are missing or
// older than package-lock.json (Node built-ins only, since nothing else is installed yet).
import { execSync } from 'node:child_process'
import fs from 'node:fs'
import process from 'node:process'

const marker = 'node_modules/.package-lock.json'
const stale = !fs.existsSync(marker) || fs.statSync('package-lock.json').mtimeMs > fs.statSync(marker).mtimeMs
if (stale) {
  process.stdout.write('Installation des dépendances (npm ci)…\n')
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' })
}
