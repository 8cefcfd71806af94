import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The SDK re-exports @bursar/core, whose id and webhook helpers import node:crypto; the
// dashboard never calls them, so a stub stands in for the module in the browser bundle.
export default defineConfig({
  plugins: [react()],
  resolve: { alias: { 'node:crypto': fileURLToPath(new URL('./src/node-crypto-stub.ts', import.meta.url)) } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Maps are written for debugging but not linked from the bundle, and the server does not serve them.
    sourcemap: 'hidden',
    rollupOptions: {
      // zod's sources carry esbuild-style purity comments Rollup cannot place: harmless noise.
      onwarn(warning, warn) {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
    },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:4242' } },
});
