import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// Django serves the built files through django-vite's manifest (static/app/manifest.json).
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/static/app/",
  plugins: [react()],
  build: {
    outDir: "../static/app",
    emptyOutDir: true,
    manifest: "manifest.json",
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: "src/main.tsx",
    },
  },
  server: {
    origin: "http://127.0.0.1:5173",
    fs: { allow: [".."] },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
