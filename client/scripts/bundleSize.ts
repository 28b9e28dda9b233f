/// <reference types="node" />
/**
 * The client's size budget: the JavaScript a browser must fetch before the
 * login screen can run (boot.ts: the plain-DOM login form, and every chunk it
 * preloads) must stay within 30 KB gzip — on GPRS every 6 KB is another
 * second; React, the app behind the login (shell, home, zod contracts,
 * socket.io) and the lazy screens (meeting room, scheduling…) are listed apart. Brotli is what the server sends.
 * Run after `npm run build`: `npm run -w client size`. Exits 1 over budget.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const budgetKb = 30;
const dist = path.resolve(import.meta.dirname, '../dist');
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const initial = new Set(
  [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string),
);
const out = (line: string) => process.stdout.write(`${line}\n`);
const kb = (n: number) => Math.round(n / 102.4) / 10;
const rows = readdirSync(path.join(dist, 'assets'))
  .filter((f) => f.endsWith('.js'))
  .map((f) => {
    const buf = readFileSync(path.join(dist, 'assets', f));
    return {
      file: f,
      raw: buf.length,
      gzip: gzipSync(buf, { level: 9 }).length,
      br: existsSync(path.join(dist, 'assets', `${f}.br`))
        ? readFileSync(path.join(dist, 'assets', `${f}.br`)).length
        : null,
      initial: initial.has(`assets/${f}`),
    };
  })
  .sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip);

const total = (list: typeof rows) => list.reduce((n, r) => n + r.gzip, 0);
out(
  `${'chunk'.padEnd(44)} ${'raw KB'.padStart(8)} ${'gzip KB'.padStart(8)} ${'br KB'.padStart(7)}  load`,
);
for (const r of rows)
  out(
    `${r.file.padEnd(44)} ${String(kb(r.raw)).padStart(8)} ${String(kb(r.gzip)).padStart(8)} ${String(r.br === null ? '–' : kb(r.br)).padStart(7)}  ${r.initial ? 'initial' : 'lazy'}`,
  );
const initialKb = kb(total(rows.filter((r) => r.initial)));
out(`initial JS (login screen): ${initialKb} KB gzip (budget ${budgetKb} KB)`);
out(`lazy JS: ${kb(total(rows.filter((r) => !r.initial)))} KB gzip`);
if (initialKb > budgetKb) {
  console.error('over budget');
  process.exit(1);
}
