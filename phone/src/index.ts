import { createLogger } from '@giaoban/common/logger';
import { startPhone } from './main';

const log = createLogger('giaoban-phone');
try {
  const phone = await startPhone();
  if (process.send) process.send({ ready: 'phone' });
  const stop = () => void phone.close().finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (process.connected) process.on('disconnect', stop);
} catch (err) {
  log.fatal({ err }, 'the phone role could not start');
  process.exit(1);
}
