// `npm run build`: bundles src/server.ts and everything it imports (node_modules included) into
// dist/server.js, and copies the data files the code reads next to where it expects them
// (common passwords, reference CSVs). Production and `npm start` run dist/server.js: no
// TypeScript loader in the process, and one file instead of about 1,500 modules to find, read
// and compile at each start (start-up to /readyz and idle memory: docs/performance.md).
//
// Kept outside the bundle: the packages with native code (better-sqlite3, argon2) and pg's
// optional native binding; pg and nodemailer are read from node_modules by the code that needs
// them, when it first does (createRequire), so they are not in it either. The OpenID provider, imported on first use, becomes a chunk of its
// own in dist/ (loaded by the first /oidc request). Files that read data next to themselves
// (`new URL('./x', import.meta.url)`) get the address their compiled file has under dist/, so
// the copied data files are found where they always were.
import fs from 'node:fs'
import path from 'node:path'
import * as esbuild from 'esbuild'

const root = path.resolve(import.meta.dirname, '..')
const src = path.join(root, 'src')
const dist = path.join(root, 'dist')

const sourceAddresses = {
  name: 'source-addresses',
  setup (build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      let contents = await fs.promises.readFile(args.path, 'utf8')
      if (!args.path.startsWith(src + path.sep)) return undefined
      if (contents.includes('import.meta.url')) {
        const compiled = path.relative(dist, path.join(dist, path.relative(src, args.path))).replace(/\.ts$/, '.js')
        const address = `new URL(${JSON.stringify(`./${compiled.split(path.sep).join('/')}`)}, import.meta.url).href`
        contents = contents.replaceAll('import.meta.url', address)
      }
      // esbuild writes ASCII except in tagged templates (their raw text is observable), and our
      // pages are html`…` templates in French: one « é » and V8 holds the whole 2.4 MB bundle as a
      // two-byte string (twice the memory, and a slower decoding and parsing at each start). The
      // html and sql tags read the cooked strings, for which \u00e9 is é (in comments, strings and
      // regular expressions too), so every non-ASCII character is written as its escape.
      contents = contents.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
      return { contents, loader: 'ts' }
    })
  },
}

fs.rmSync(dist, { recursive: true, force: true })
await esbuild.build({
  entryPoints: [path.join(src, 'server.ts')],
  outdir: dist,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', '@node-rs/argon2', 'pg-native'],
  // CommonJS packages inside an ES module bundle still call require() for Node's own modules.
  banner: { js: "import { createRequire as __bamaraRequire } from 'node:module'; const require = __bamaraRequire(import.meta.url);" },
  plugins: [sourceAddresses],
  sourcemap: 'linked',
  // Smaller source to parse and keep in memory; names are kept, so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  // Libraries read class and function names at run time (oidc-provider names its stored models
  // after its classes): minified or renamed in the bundle, they must keep them.
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
})

function copyAssets (from, to) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name)
    const target = path.join(to, entry.name)
    if (entry.isDirectory()) copyAssets(source, target)
    else if (!entry.name.endsWith('.ts') && entry.name !== 'README.md') {
      fs.mkdirSync(to, { recursive: true })
      fs.copyFileSync(source, target)
    }
  }
}
copyAssets(src, dist)
// When the last build finished (the process tests rebuild when a source file is newer).
fs.writeFileSync(path.join(dist, '.built'), new Date().toISOString())
