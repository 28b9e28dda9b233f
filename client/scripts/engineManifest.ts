/**
 * The meeting engine's files, written into the built page (issue 13: the
 * pre-join screen shows the engine's download and allows the click once it is
 * on the device). The engine is what a click on "Tham gia" needs beyond the app
 * behind the login: the pre-join and room screens and the meeting store
 * (mediasoup-client), with the chunks and stylesheets they import that the
 * page has not already loaded (the entry, the login call, React, the shell).
 * The page reads the list from `<script type="application/json" id="gb-engine">`
 * (client/src/app/meetingEngineCache.ts): no request, and the sizes let it show
 * a percentage. Sizes are the files as decoded (what a fetch body yields).
 */
import { randomBytes } from 'node:crypto';
import type { Plugin } from 'vite';

const PROBE_FILE = 'linkprobe.bin';

export interface EngineFile {
  url: string;
  bytes: number;
}

/** The parts of a Rollup/Rolldown output bundle this reads. */
type BundleItem =
  | {
      type: 'chunk';
      fileName: string;
      name: string;
      isEntry: boolean;
      facadeModuleId: string | null;
      imports: string[];
      code: string;
      viteMetadata?: { importedCss: Set<string> };
    }
  | { type: 'asset'; fileName: string; source: string | Uint8Array };

export type EngineBundle = Record<string, BundleItem>;

/** Chunks the page loads before the pre-join screen (boot.ts: entry, login, app, shell). */
const loadedFirst = /^(index|login|app|shell)$/;
/** The modules a click needs (meetingEngineCache.ts imports the same). */
export const engineModules = [
  /\/features\/prejoin\/PreJoinPage\.tsx$/,
  /\/features\/room\/RoomScreen\.tsx$/,
  /\/features\/meeting\/meetingStore\.ts$/,
];

function reach(bundle: EngineBundle, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    const item = bundle[file];
    if (seen.has(file) || !item || item.type !== 'chunk') return;
    seen.add(file);
    item.imports.forEach(visit);
  };
  roots.forEach(visit);
  return seen;
}

const cssOf = (bundle: EngineBundle, chunks: Set<string>) =>
  new Set(
    [...chunks].flatMap((f) => {
      const c = bundle[f];
      return c?.type === 'chunk' ? [...(c.viteMetadata?.importedCss ?? [])] : [];
    }),
  );

const size = (item: BundleItem) =>
  item.type === 'chunk'
    ? Buffer.byteLength(item.code)
    : typeof item.source === 'string'
      ? Buffer.byteLength(item.source)
      : item.source.byteLength;

/** The engine's files not loaded before it, in load order (scripts, then their styles). */
export function engineFiles(bundle: EngineBundle, base = '/'): EngineFile[] {
  const chunks = Object.values(bundle).filter((i) => i.type === 'chunk');
  const first = reach(
    bundle,
    chunks.filter((c) => c.isEntry || loadedFirst.test(c.name)).map((c) => c.fileName),
  );
  const roots = engineModules.flatMap((re) =>
    chunks.filter((c) => c.facadeModuleId && re.test(c.facadeModuleId)).map((c) => c.fileName),
  );
  const engine = [...reach(bundle, roots)].filter((f) => !first.has(f));
  const firstCss = cssOf(bundle, first);
  const css = [...cssOf(bundle, new Set(engine))].filter((f) => !firstCss.has(f));
  return [...engine, ...css]
    .filter((f) => bundle[f])
    .map((f) => ({ url: `${base}${f}`, bytes: size(bundle[f]!) }));
}

/** Vite plugin: the engine's file list into the built index.html. */
export function engineManifest(): Plugin {
  return {
    name: 'giaoban-engine-manifest',
    apply: 'build',
    // The link test's download (linkTest.ts): random bytes, so what crosses the link is what
    // the page counts (the app's script is sent Brotli'd and read decoded: 3.5× too fast).
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: PROBE_FILE, source: randomBytes(64 * 1024) });
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        if (!ctx.bundle) return;
        const files = engineFiles(ctx.bundle as unknown as EngineBundle);
        return [
          {
            tag: 'script',
            attrs: { type: 'application/json', id: 'gb-engine', 'data-probe': `/${PROBE_FILE}` },
            children: JSON.stringify(files),
            injectTo: 'head',
          },
        ];
      },
    },
  };
}
