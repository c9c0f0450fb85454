import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import { importX, createNodeResolver } from 'eslint-plugin-import-x'

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'public/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // No import cycles, between files and so between features (a cycle means a piece belongs in
    // the kernel, or the two features are composed in app.ts). Type-only imports vanish at run time.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // The kernel stands under the features: it never imports one (its tests may seed data with one).
    files: ['src/kernel/**'],
    ignores: ['src/kernel/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '(^|/)features/', message: 'The kernel never imports a feature: move the piece into the kernel, or compose in app.ts.' }],
      }],
    },
  },
  {
    files: ['src/features/**'],
    rules: {
      // A feature reaches another only through its public index.ts (HOUSE-STYLE rule 2).
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^(\\.\\./)+features/[^/]+/(?!index\\.ts$).+',
          message: 'Import another feature only through its index.ts.',
        }, {
          regex: '^\\.\\./(?!\\.\\./)[^/]+/(?!index\\.ts$).+',
          message: 'Import a sibling feature only through its index.ts.',
        }],
      }],
    },
  },
  {
    // The composition root and the command line see a feature as the other features do.
    files: ['src/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^\\./features/[^/]+/(?!index\\.ts$).+', message: 'Import a feature only through its index.ts.' }],
      }],
    },
  },
  {
    files: ['src/cli.ts', 'src/server.ts', 'demo/*/server.ts', 'scripts/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
)
