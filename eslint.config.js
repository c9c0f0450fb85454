import js from '@eslint/js'
import tseslint from 'typescript-eslint'

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
    files: ['src/cli.ts', 'src/server.ts', 'demo/*/server.ts', 'scripts/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
)
