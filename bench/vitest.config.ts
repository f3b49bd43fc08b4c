import { defineConfig } from "vitest/config";

/** The smoke test alone (`npx vitest run -c bench/vitest.config.ts`); the root config may include it too. */
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
