import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Two projects over the same tests: `pglite` on an in-memory PGlite per test file, and
 * `postgres` against DATABASE_URL (the test command creates a fresh database for each run).
 * Files named `*.pg.test.ts` need separate connections, so they run only on PostgreSQL; files
 * named `*.pglite.test.ts` need a database no other file shares, so they run only on PGlite.
 */
const alias = { '@': path.resolve(import.meta.dirname) };
const include = ['**/*.test.ts'];
const exclude = ['node_modules/**', 'e2e/**', '.next/**', 'data/**'];

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'pglite',
          include,
          exclude: [...exclude, '**/*.pg.test.ts'],
          env: { DIAL_DATA_DIR: 'memory://', DATABASE_URL: '', DIAL_WORKER: 'off' },
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'postgres',
          include,
          // `*.pglite.test.ts` needs a database of its own (a worker that takes every job).
          exclude: [...exclude, '**/*.pglite.test.ts'],
          env: { DIAL_WORKER: 'off' },
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
