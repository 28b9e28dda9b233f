import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { engineManifest } from './scripts/engineManifest.ts';

/**
 * Writes `.br` and `.gz` beside every text file of the build, once, at build
 * time (the server sends them as they are): the app's JS is ~3.5× smaller on
 * the wire, seconds saved on a commune's EDGE or GPRS link at first load.
 */
function precompress(dir: string): Plugin {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((f) => {
      const p = path.join(d, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  return {
    name: 'giaoban-precompress',
    apply: 'build',
    closeBundle() {
      for (const file of walk(dir)) {
        if (!/\.(js|css|html|svg|json|txt)$/.test(file)) continue;
        const raw = readFileSync(file);
        if (raw.length < 1024) continue;
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
        writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), engineManifest(), precompress(path.resolve(import.meta.dirname, 'dist'))],
  build: {
    outDir: 'dist',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    // Commune offices run old laptops: Windows 7's last Chrome is 109, so lower the syntax.
    target: ['chrome87', 'edge88', 'firefox78', 'safari14'],
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Everything the entry imports statically (React, i18n, the login screen) in
          // the entry itself: left to itself Rolldown split React and the JSX runtime
          // into chunks of their own (shared with the lazy screens), three more
          // requests before a GPRS user sees the login form. The lazy screens then
          // import them from the entry, already loaded.
          groups: [
            { name: 'index', tags: ['$initial'] },
            // Then, one chunk each and in the order boot.ts fetches them: the login
            // call with the zod contracts (authApi.ts and all it imports), React with
            // the app's frame (main.tsx and all it imports), the app behind the login
            // (AppShell and all it imports: home, socket.io). Left alone, Rolldown cut
            // them into ~20 shared chunks, and on GPRS that many parallel downloads
            // took 70 s where their bytes alone need 25 s.
            { name: 'login', test: /\/src\/features\/auth\/authApi\.ts$/ },
            { name: 'app', test: /\/src\/main\.tsx$/ },
            { name: 'shell', test: /\/src\/app\/AppShell\.tsx$/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/socket.io': { target: 'http://localhost:8080', ws: true },
    },
  },
});
