import { Component, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

function ChunkFailed() {
  const { t } = useTranslation();
  return (
    <section className="panel" role="alert">
      <h1>{t('app.chunkFailedTitle')}</h1>
      <p>{t('app.chunkFailed')}</p>
      <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
        {t('app.reload')}
      </button>
    </section>
  );
}

/**
 * A screen's chunk that never arrives (the link dropped mid-download on EDGE or
 * GPRS) rejects its React.lazy import; without this boundary React unmounts the
 * whole app and leaves a blank page. Instead: say what happened, offer a reload
 * (a rejected lazy import stays rejected until the page reloads).
 */
export class ChunkErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (error === null) return this.props.children;
    // Not a download failure: a real bug, which must not pass for a weak link.
    if (!isChunkLoadError(error)) throw error;
    return <ChunkFailed />;
  }
}

/** Chromium, Firefox and Safari word a failed dynamic import differently; Vite's preload says "Unable to preload". */
export function isChunkLoadError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /dynamically imported module|Importing a module script failed|Unable to preload|Failed to fetch|error loading dynamically/i.test(
    message,
  );
}
