import { Router } from 'express';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Signaling } from '@giaoban/signaling';
import type { WorkerPool } from '@giaoban/sfu/workerPool';

/**
 * Prometheus metrics of one all-in-one node at GET /metrics. Gauges are read at
 * scrape time from the live objects, so they cannot drift from the truth.
 */
export function metricsRouter(deps: {
  /** The local worker pool; a cluster signaling node has none (its SFU nodes report their own). */
  workers?: WorkerPool;
  signaling: () => Signaling | undefined;
}): Router {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'giaoban_node_' });

  new Gauge({
    name: 'giaoban_meetings_live',
    help: 'Meetings with at least one endpoint present',
    registers: [registry],
    collect() {
      this.set(deps.signaling()?.meetings().length ?? 0);
    },
  });
  new Gauge({
    name: 'giaoban_endpoints',
    help: 'Endpoints present in meetings',
    registers: [registry],
    collect() {
      this.set(
        deps
          .signaling()
          ?.meetings()
          .reduce((n, m) => n + m.endpoints, 0) ?? 0,
      );
    },
  });
  new Gauge({
    name: 'giaoban_sockets',
    help: 'Connected signaling sockets',
    registers: [registry],
    collect() {
      this.set(deps.signaling()?.io.engine.clientsCount ?? 0);
    },
  });
  new Gauge({
    name: 'giaoban_worker_up',
    help: '1 when the mediasoup worker answers, per worker index',
    labelNames: ['worker'],
    registers: [registry],
    async collect() {
      for (const w of (await deps.workers?.health()) ?? [])
        this.set({ worker: String(w.index) }, w.ok ? 1 : 0);
    },
  });
  new Gauge({
    name: 'giaoban_worker_cpu_seconds',
    help: 'CPU time used by each mediasoup worker (user + system)',
    labelNames: ['worker'],
    registers: [registry],
    async collect() {
      for (const w of (await deps.workers?.health()) ?? []) {
        if (w.cpuMs !== undefined) this.set({ worker: String(w.index) }, w.cpuMs / 1000);
      }
    },
  });

  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
