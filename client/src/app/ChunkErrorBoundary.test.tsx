import '../test/setup';
import { lazy, Suspense } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import { ChunkErrorBoundary } from './ChunkErrorBoundary';

describe('a screen whose chunk never arrives', () => {
  it('says the connection dropped and offers a reload, instead of a blank page', async () => {
    const Screen = lazy(() =>
      Promise.reject(new TypeError('Failed to fetch dynamically imported module: /assets/x.js')),
    );
    vi.spyOn(console, 'error').mockImplementation(() => undefined); // React reports the caught error
    render(
      <ChunkErrorBoundary>
        <Suspense fallback={<p>…</p>}>
          <Screen />
        </Suspense>
      </ChunkErrorBoundary>,
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Không tải được màn hình này');
    expect(screen.getByRole('button', { name: 'Tải lại trang' })).toBeTruthy();
  });

  it('does not pass a real bug off as a weak link', () => {
    const Broken = () => {
      throw new Error('undefined is not a function');
    };
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() =>
      render(
        <ChunkErrorBoundary>
          <Broken />
        </ChunkErrorBoundary>,
      ),
    ).toThrow('undefined is not a function');
  });
});
