import { createLogger } from '@giaoban/common/logger';
import { srtpWarning } from '@giaoban/sfu/srtpBackend';
import { loadAppConfig } from './config';
import { startAllInOne } from './server';
import { startSignalingNode } from './cluster/signalingNode';
import { spawnNode, type ChildNode } from './cluster/childNode';
import { phoneConfigured } from '@giaoban/phone/config';

const log = createLogger('giaoban');
const t0 = performance.now();

try {
  const config = loadAppConfig();
  // SFU_MODE=remote: a cluster signaling node, its media on SFU nodes (docs/cluster.md).
  const app =
    config.SFU_MODE === 'remote'
      ? await startSignalingNode(config, log)
      : await startAllInOne(config, log);
  log.info({ url: app.url, startupMs: Math.round(performance.now() - t0) }, 'GiaoBan ready');
  console.log(
    config.SFU_MODE === 'remote'
      ? `\nNút báo hiệu / signaling node: ${app.url} (người dùng vào qua HAProxy / users come through HAProxy, the edge)\n`
      : `\nGiaoBan đang chạy / is running: ${app.url}\n`,
  );
  // The worker's SRTP is not OpenSSL-backed (install fell back to Debian's NSS libsrtp2):
  // logged by the worker pool, and said here where the operator looks.
  const srtpNote = 'workers' in app ? srtpWarning(app.workers.srtp) : null;
  if (srtpNote) console.warn(`\x1b[1;41;97m ${srtpNote} \x1b[0m\n`);
  if (config.SEED_DEMO) {
    console.log(
      [
        'Tài khoản demo / demo accounts (mật khẩu / password: GiaoBan@2026 — đổi trước khi dùng thật / change before production):',
        '  xã/phường (member) : u<mã GSO>, ví dụ u18853 (Phường Hải Thành), u18904 (Xã Dân Hóa, Minh Hóa)',
        '  chủ trì huyện (host): host<mã huyện>, ví dụ host450 … host458',
        '  chủ trì tỉnh (host) : host44',
        '  chỉ huy (commander) : chihuy',
        '  quản trị (admin)    : admin',
        '',
      ].join('\n'),
    );
  }

  // PHONE_SIP_* configured: the phone role, its own process, beside the all-in-one server
  // (a cluster's launcher starts it instead: docs/phone.md).
  let phone: ChildNode | undefined;
  if (config.SFU_MODE === 'local' && phoneConfigured() && 'redisUrl' in app) {
    phone = await spawnNode('phone', 'phone', {
      ...process.env,
      REDIS_URL: app.redisUrl,
      PHONE_APP_URL: process.env.PHONE_APP_URL ?? app.url,
    });
    log.info({ pid: phone.process.pid }, 'phone role started');
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await phone?.stop();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Spawned by the cluster launcher: say so when ready, and stop with it.
  if (process.send) process.send({ ready: 'signaling', url: app.url });
  if (process.connected) {
    process.on('disconnect', () => {
      // Its Redis may be going away too: do not hang on a shutdown that cannot finish.
      setTimeout(() => process.exit(1), 10_000).unref();
      void stop('launcher gone');
    });
  }
} catch (err) {
  log.fatal({ err }, 'GiaoBan could not start');
  process.exit(1);
}
