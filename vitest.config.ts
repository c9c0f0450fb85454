import { defineConfig } from 'vitest/config'

// Each test file gets its own database (see test/helpers/build-app.ts), so files may run in
// parallel; the browser suite is slow to start and runs in its own project.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'demo/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2 } },
    reporters: ['default'],
  },
})
