import { createLogger } from '@giaoban/common/logger';
import { srtpWarning } from '@giaoban/sfu/srtpBackend';
import { stopOnSignals } from './processLife';
import { startSfuNode } from './sfuNode';

const log = createLogger('giaoban-sfu');
try {
  const node = await startSfuNode(log);
  stopOnSignals(log, () => node.close());
  const srtpNote = srtpWarning(node.workers.srtp); // logged by the pool too
  if (srtpNote) console.warn(`\x1b[1;41;97m ${srtpNote} \x1b[0m`);
  // The launcher (and tests) wait for this line.
  if (process.send) process.send({ ready: 'sfu', nodeId: node.nodeId });
} catch (err) {
  log.fatal({ err }, 'SFU node could not start');
  process.exit(1);
}
