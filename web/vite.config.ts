import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The console is served by the Python server at `/`; hashed files land in dist/assets/.
// `npm run dev` proxies the API to a server on :8080 (scripts/serve).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      "/graphql": { target: "http://127.0.0.1:8080", ws: true },
      "/api": "http://127.0.0.1:8080",
      "/console": "http://127.0.0.1:8080",
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
