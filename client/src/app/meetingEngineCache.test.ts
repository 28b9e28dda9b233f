import { describe, expect, it } from 'vitest';
import { enginePercent, engineFilesInPage, loadEngine, useEngine } from './meetingEngineCache';

/** A fetch whose bodies arrive in 1 KB chunks, each after `gate()` resolves. */
function slowFetch(gate: () => Promise<void>): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const size = Number(new URL(String(input), 'http://x').searchParams.get('size'));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        await gate();
        if (sent >= size) return c.close();
        const n = Math.min(1_000, size - sent);
        sent += n;
        c.enqueue(new Uint8Array(n));
      },
    });
    return new Response(body, { status: 200 });
  }) as typeof fetch;
}

describe('the meeting engine before the click', () => {
  it('counts the engine in as it arrives and is ready only once its modules loaded', async () => {
    const waiting: (() => void)[] = [];
    const gate = () => new Promise<void>((r) => waiting.push(r));
    const step = async (n: number) => {
      for (let i = 0; i < n; i++) {
        while (waiting.length === 0) await new Promise((r) => setTimeout(r, 1));
        waiting.shift()!();
        await new Promise((r) => setTimeout(r, 1));
      }
    };
    let modulesLoaded = 0;
    const files = [
      { url: '/assets/a.js?size=2000', bytes: 2_000 },
      { url: '/assets/b.js?size=3000', bytes: 3_000 },
    ];
    const done = loadEngine(
      files,
      [async () => void modulesLoaded++, async () => void modulesLoaded++],
      slowFetch(gate),
    );
    expect(useEngine.getState()).toMatchObject({ loaded: 0, total: 5_000, ready: false });
    await step(3); // a.js: 2 chunks and its end
    expect(enginePercent(useEngine.getState())).toBe(40);
    await step(2); // b.js: 1 KB, 2 KB
    expect(enginePercent(useEngine.getState())).toBe(80);
    expect(useEngine.getState().ready).toBe(false);
    await step(2);
    await done;
    expect(modulesLoaded).toBe(2);
    expect(useEngine.getState().ready).toBe(true);
    expect(enginePercent(useEngine.getState())).toBe(100);
  });

  it('a module that fails to load is not ready, and says it failed (the click is not locked out)', async () => {
    await loadEngine(
      [{ url: '/assets/a.js?size=10', bytes: 10 }],
      [() => Promise.reject(new Error('chunk failed'))],
      slowFetch(async () => undefined),
    );
    expect(useEngine.getState()).toMatchObject({ ready: false, failed: true });
    expect(enginePercent(useEngine.getState())).toBe(99);
  });

  it('reads the build’s file list from the page, and nothing from a page without one', () => {
    document.body.innerHTML =
      '<script type="application/json" id="gb-engine">[{"url":"/assets/m.js","bytes":7},{"url":3}]</script>';
    expect(engineFilesInPage()).toEqual([{ url: '/assets/m.js', bytes: 7 }]);
    document.body.innerHTML = '';
    expect(engineFilesInPage()).toEqual([]);
  });
});
