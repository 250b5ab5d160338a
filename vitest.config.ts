import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests (no root needed) and lab tests on real booted servers.
// The CI reporter turns any skipped test under CI=true into a failed run.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/ci-skip-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          // Unit tests first (fast, all workers), then the lab (few workers): separate groups.
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts', 'providers/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'lab',
          sequence: { groupOrder: 1 },
          include: ['test/lab/**/*.test.ts'],
          globalSetup: ['./test/lab/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          // Lab servers are whole systemd machines: two at a time keep a 2-core machine responsive.
          maxWorkers: 2,
          maxConcurrency: 3,
        },
      },
    ],
  },
});
