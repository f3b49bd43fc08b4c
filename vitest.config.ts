import { defineConfig } from "vitest/config";

// The workspace runs the packages from their TypeScript sources (see the "@scallion/source"
// export condition in their package.json files); published packages run dist/.
export default defineConfig({
  ssr: { resolve: { conditions: ["@scallion/source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts", "bench/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
