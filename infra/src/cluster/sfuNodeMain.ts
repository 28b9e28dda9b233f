import { createLogger } from '@giaoban/common/logger';
import { stopOnSignals } from './processLife';
import { startSfuNode } from './sfuNode';

const log = createLogger('giaoban-sfu');
try {
  const node = await startSfuNode(log);
  stopOnSignals(log, () => node.close());
  // The launcher (and tests) wait for this line.
  if (process.send) process.send({ ready: 'sfu', nodeId: node.nodeId });
} catch (err) {
  log.fatal({ err }, 'SFU node could not start');
  process.exit(1);
}
