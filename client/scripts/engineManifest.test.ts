import { describe, expect, it } from 'vitest';
import { engineFiles, type EngineBundle } from './engineManifest';

const chunk = (
  fileName: string,
  name: string,
  opts: { entry?: boolean; facade?: string; imports?: string[]; css?: string[]; size?: number },
) => ({
  type: 'chunk' as const,
  fileName,
  name,
  isEntry: opts.entry ?? false,
  facadeModuleId: opts.facade ?? null,
  imports: opts.imports ?? [],
  code: 'x'.repeat(opts.size ?? 10),
  viteMetadata: { importedCss: new Set(opts.css ?? []) },
});
const asset = (fileName: string, size: number) => ({
  type: 'asset' as const,
  fileName,
  source: 'y'.repeat(size),
});

describe('engine manifest (the files a click needs beyond the app behind the login)', () => {
  it('lists the engine chunks and styles the page has not loaded already, with their sizes', () => {
    const list = [
      chunk('assets/index-1.js', 'index', {
        entry: true,
        imports: ['assets/rt-1.js'],
        css: ['assets/index-1.css'],
      }),
      chunk('assets/rt-1.js', 'rolldown-runtime', {}),
      chunk('assets/app-1.js', 'app', { imports: ['assets/rt-1.js'] }),
      chunk('assets/shell-1.js', 'shell', { imports: ['assets/app-1.js', 'assets/prefs-1.js'] }),
      chunk('assets/prefs-1.js', 'devicePrefs', {}),
      chunk('assets/PreJoinPage-1.js', 'PreJoinPage', {
        facade: '/src/features/prejoin/PreJoinPage.tsx',
        imports: ['assets/app-1.js', 'assets/prefs-1.js'],
        css: ['assets/PreJoinPage-1.css'],
      }),
      chunk('assets/RoomScreen-1.js', 'RoomScreen', {
        facade: '/src/features/room/RoomScreen.tsx',
        imports: ['assets/phone-1.js'],
      }),
      chunk('assets/phone-1.js', 'phone', { size: 3 }),
      chunk('assets/meetingStore-1.js', 'meetingStore', {
        facade: '/src/features/meeting/meetingStore.ts',
        size: 500,
      }),
      chunk('assets/SchedulePage-1.js', 'SchedulePage', {
        facade: '/src/features/scheduling/SchedulePage.tsx',
      }),
      asset('assets/index-1.css', 5),
      asset('assets/PreJoinPage-1.css', 4),
    ];
    const bundle: EngineBundle = Object.fromEntries(list.map((i) => [i.fileName, i]));
    expect(engineFiles(bundle)).toEqual([
      { url: '/assets/PreJoinPage-1.js', bytes: 10 },
      { url: '/assets/RoomScreen-1.js', bytes: 10 },
      { url: '/assets/phone-1.js', bytes: 3 },
      { url: '/assets/meetingStore-1.js', bytes: 500 },
      { url: '/assets/PreJoinPage-1.css', bytes: 4 },
    ]);
  });
});
