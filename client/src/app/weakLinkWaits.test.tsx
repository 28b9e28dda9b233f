import '../test/setup';
import { describe, expect, it, vi } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import { z } from 'zod';
import { api } from './api';
import { Loading, SLOW_AFTER_MS } from './Loading';

/** A fetch whose answer never comes (a dead kept-alive connection), until aborted. */
function hangingFetch() {
  globalThis.fetch = ((_input: RequestInfo | URL, init?: RequestInit) =>
    new Promise((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () =>
        reject(new DOMException('The operation was aborted.', 'AbortError')),
      );
    })) as typeof fetch;
}

describe('long waits on a weak link', () => {
  it('gives up on a request that never answers, as NETWORK (translated), not loading forever', async () => {
    hangingFetch();
    await expect(api('/api/units', z.unknown(), { timeoutMs: 50 })).rejects.toMatchObject({
      code: 'NETWORK',
    });
  });

  it('still lets a screen that leaves cancel its request (an abort, not an error to show)', async () => {
    hangingFetch();
    const ctrl = new AbortController();
    const pending = api('/api/units', z.unknown(), { signal: ctrl.signal });
    ctrl.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('explains a wait that lasts: "Đang tải…", then the link is slow', () => {
    vi.useFakeTimers();
    try {
      render(<Loading />);
      expect(screen.getByRole('status').textContent).toBe('Đang tải…');
      act(() => vi.advanceTimersByTime(SLOW_AFTER_MS));
      expect(screen.getByRole('status').textContent).toContain(
        'Đường truyền chậm, vui lòng chờ trong giây lát.',
      );
    } finally {
      vi.useRealTimers();
    }
  });
});
