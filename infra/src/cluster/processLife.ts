import type { Logger } from '@giaoban/common/logger';

/**
 * Stops a cluster process cleanly on SIGINT/SIGTERM, and also when the
 * launcher that spawned it goes away (its IPC channel closes): a launcher
 * killed with -9 leaves no node behind.
 */
export function stopOnSignals(log: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ why }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await close();
    } catch (err) {
      log.error({ err }, 'shutdown failed');
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (process.connected) process.on('disconnect', () => void stop('launcher gone'));
}
