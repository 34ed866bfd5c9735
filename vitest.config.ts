import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['generator/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
    // Lazy places (SourcePlace) equal the plain { file, line, col } they resolve to.
    setupFiles: ['test/setup-places.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
