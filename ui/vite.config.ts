/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// Tauri serves the built files from the root of its own origin, so the default base "/" is right.
// The policy the desktop window enforces; `npm run preview` serves the build under it too.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'";

export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ['**/src-tauri/**'] },
  },
  preview: {
    port: 1421,
    headers: { 'Content-Security-Policy': CSP },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      output: {
        // The editor (CodeMirror, Lezer) in a chunk of its own: it changes less often than the app.
        codeSplitting: {
          groups: [{ name: 'editor', test: /node_modules[\\/]@(codemirror|lezer)[\\/]/ }],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.ts'],
  },
});
