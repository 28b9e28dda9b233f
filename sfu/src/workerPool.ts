import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import type { Logger } from '@giaoban/common/logger';
import type { SfuConfig } from './config';
import { mediasoupWorkerBin, srtpBackendOf, srtpWarning, type SrtpBackend } from './srtpBackend';

export interface PooledWorker {
  readonly index: number;
  readonly worker: ms.Worker;
  readonly webRtcServer: ms.WebRtcServer;
}

export interface WorkerHealth {
  index: number;
  pid: number;
  ok: boolean;
  cpuMs?: number;
  error?: string;
}

interface WorkerPoolEvents {
  /** A worker died and was replaced; everything that lived on it is gone. */
  replaced: [index: number, replacement: PooledWorker];
}

/**
 * One mediasoup worker per core, each with its own WebRtcServer (one UDP and one
 * TCP port, firewall-friendly). A worker that dies is replaced at the same index
 * and port; owners of routers on it listen to `replaced` to re-create them.
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #config: SfuConfig;
  readonly #log: Logger;
  readonly #workers: PooledWorker[] = [];
  /** The SRTP crypto of the worker binary (OpenSSL expected; /healthz reports it). */
  readonly srtp: SrtpBackend;
  #closed = false;

  private constructor(config: SfuConfig, log: Logger, srtp: SrtpBackend) {
    super();
    this.#config = config;
    this.#log = log;
    this.srtp = srtp;
  }

  static async create(config: SfuConfig, log: Logger): Promise<WorkerPool> {
    const srtp = srtpBackendOf(mediasoupWorkerBin());
    const warning = srtpWarning(srtp);
    if (warning) log.warn({ srtp }, warning);
    else log.info({ srtp }, 'mediasoup worker SRTP through OpenSSL');
    const pool = new WorkerPool(config, log, srtp);
    try {
      for (let i = 0; i < config.SFU_WORKERS; i++) pool.#workers.push(await pool.#spawn(i));
    } catch (err) {
      pool.close();
      throw err;
    }
    return pool;
  }

  get workers(): readonly PooledWorker[] {
    return this.#workers;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async #spawn(index: number): Promise<PooledWorker> {
    const worker = await mediasoup.createWorker({
      logLevel: this.#config.MEDIASOUP_LOG_LEVEL,
      disableLiburing: true,
    });
    // RTC_PORT=0 lets mediasoup pick free ports (tests, several nodes on one host).
    const port = this.#config.RTC_PORT === 0 ? undefined : this.#config.RTC_PORT + index;
    const listen = {
      ip: this.#config.RTC_LISTEN_IP,
      announcedAddress: this.#config.RTC_ANNOUNCED_ADDRESS,
      port,
    };
    let webRtcServer: ms.WebRtcServer;
    try {
      webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { ...listen, protocol: 'udp' },
          { ...listen, protocol: 'tcp' },
        ],
      });
    } catch (err) {
      worker.close();
      throw new Error(`WebRtcServer could not listen on port ${port} (udp+tcp): ${String(err)}`);
    }
    const pooled: PooledWorker = { index, worker, webRtcServer };
    worker.on('died', (error) => {
      if (this.#closed) return;
      this.#log.error(
        { worker: index, pid: worker.pid, err: error.message },
        'mediasoup worker died',
      );
      void this.#replace(index);
    });
    this.#log.info(
      { worker: index, pid: worker.pid, port: port ?? 'auto' },
      'mediasoup worker ready',
    );
    return pooled;
  }

  async #replace(index: number): Promise<void> {
    for (let attempt = 1; !this.#closed; attempt++) {
      try {
        const replacement = await this.#spawn(index);
        this.#workers[index] = replacement;
        this.emit('replaced', index, replacement);
        return;
      } catch (err) {
        this.#log.error({ worker: index, attempt, err: String(err) }, 'worker replacement failed');
        await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * attempt)));
      }
    }
  }

  /** Asks every worker for its resource usage; a worker that does not answer in 1 s is unhealthy. */
  async health(): Promise<WorkerHealth[]> {
    return Promise.all(
      this.#workers.map(async ({ index, worker }) => {
        if (worker.closed) return { index, pid: worker.pid, ok: false, error: 'closed' };
        try {
          const usage = await Promise.race([
            worker.getResourceUsage(),
            new Promise<never>((_, reject) =>
              setTimeout(() => reject(new Error('timeout')), 1_000),
            ),
          ]);
          return { index, pid: worker.pid, ok: true, cpuMs: usage.ru_utime + usage.ru_stime };
        } catch (err) {
          return { index, pid: worker.pid, ok: false, error: String(err) };
        }
      }),
    );
  }

  close(): void {
    this.#closed = true;
    for (const { worker } of this.#workers) worker.close();
  }
}
