import { defineConfig } from 'vitest/config';

// Unit tests run in parallel. Integration and end-to-end tests start real processes and measure real
// traffic: they run one file at a time, after the unit tests, so that one file's load does not become
// another file's latency (this machine class has 2 cores).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          pool: 'forks',
          fileParallelism: false,
          // Inside a file, tests marked concurrent (the cluster providers' scenarios against one control plane)
          // mostly wait on the API server: up to 8 at once.
          maxConcurrency: 8,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
