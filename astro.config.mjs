// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import react from '@astrojs/react';

export default defineConfig({
  output: 'server',
  // Middleware mode: scripts/serve.mjs owns the HTTP server (static files from memory, Astro for the rest).
  // Streaming is off: src/middleware.ts buffers every HTML page anyway (CSP hashes of its
  // inline scripts, modulepreload links), so streaming only added per-chunk encoding work.
  adapter: node({ mode: 'middleware', experimentalDisableStreaming: true }),
  integrations: [react()],
  // Astro's built-in origin check compares the Origin header with the URL the
  // node adapter reconstructs, which is wrong behind a TLS-terminating proxy and
  // only covers form content types. src/middleware.ts does a stricter check on
  // every mutation (all content types, proxy-aware); see docs/decisions/0001-origin-check.md.
  security: { checkOrigin: false },
  server: { host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 4321) },
  build: { inlineStylesheets: 'never' },
  vite: { build: { assetsInlineLimit: 0 } },
});
