import { z } from 'zod';
import { parseEnv, portVar } from '@giaoban/common/env';
import { createLogger } from '@giaoban/common/logger';
import { startBalancer } from './balancer';
import { stopOnSignals } from './processLife';

/** The balancer on its own (the launcher runs one in-process): in front of signaling nodes. */
const schema = z.object({
  REDIS_URL: z.string().url(),
  PORT: portVar(8080),
  HOST: z.string().default('0.0.0.0'),
});

const log = createLogger('giaoban-balancer');
try {
  const cfg = parseEnv(schema, process.env);
  const balancer = await startBalancer({
    redisUrl: cfg.REDIS_URL,
    port: cfg.PORT,
    host: cfg.HOST,
    log,
  });
  stopOnSignals(log, () => balancer.close());
  log.info({ url: balancer.url, nodes: balancer.nodes().map((n) => n.id) }, 'balancer ready');
} catch (err) {
  log.fatal({ err }, 'the balancer could not start');
  process.exit(1);
}
