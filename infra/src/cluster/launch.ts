import { spawn } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';
import { createLogger } from '@giaoban/common/logger';
import { parseEnv, portVar } from '@giaoban/common/env';
import { loadAppConfig } from '../config';
import { startRedisServer, type RedisChild } from '../redisServer';
import { startLocalEdge, type LocalEdge } from '../edge/localEdge';
import type { CoturnChild } from '../turn/coturnServer';
import { startEmbeddedTurn } from '../turn/embeddedTurn';
import { spawnNode, type ChildNode } from './childNode';
import { phoneConfigured } from '@giaoban/phone/config';

/**
 * `npm run cluster`: a whole cluster on one machine to prove the layout —
 * one redis-server, SFU nodes, signaling nodes (SFU_MODE=remote) and HAProxy
 * in front (its configuration rendered from infra/deploy/haproxy, as the
 * edge's unit does); with TURN=embedded one coturn for the whole cluster
 * (the template of infra/deploy/coturn, as the edge's giaoban-turn unit),
 * whose credentials every signaling node hands out. Ctrl-C stops everything; so does killing this process
 * (every node watches its IPC channel to the launcher, a watchdog stops
 * HAProxy and redis-server).
 */
const schema = z.object({
  /** HAProxy's HTTP port: the URL users open (with TLS_CERT: only a redirect to HTTPS_PORT). */
  PORT: portVar(8080),
  HOST: z.string().default('0.0.0.0'),
  /** A certificate for HTTPS (PEM, chain included) and its key: then HTTPS on HTTPS_PORT. */
  TLS_CERT: z.string().min(1).optional(),
  TLS_KEY: z.string().min(1).optional(),
  HTTPS_PORT: portVar(8443),
  CLUSTER_SFU_NODES: z.coerce.number().int().min(1).max(16).default(2),
  CLUSTER_SIGNALING_NODES: z.coerce.number().int().min(1).max(16).default(2),
  /** mediasoup workers per SFU node (one per core is shared by all nodes on this machine). */
  CLUSTER_SFU_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  /** SFU node i's WebRtcServers listen on RTC_PORT + 100·i (+ worker index). 0: any free port. */
  RTC_PORT: portVar(40000),
  /** An external Redis; unset: the launcher starts its own redis-server. */
  REDIS_URL: z.string().url().optional(),
});

const log = createLogger('giaoban-cluster');
const started: ChildNode[] = [];
let redis: RedisChild | undefined;
let edge: LocalEdge | undefined;
let turn: CoturnChild | undefined;
const watchdog = launcherWatchdog();

async function stopAll(): Promise<void> {
  await edge?.stop();
  // Signaling first (it closes its rooms through the SFU nodes), then the SFU nodes.
  for (const child of [...started].reverse()) await child.stop();
  await turn?.stop();
  await redis?.stop();
}

/**
 * HAProxy cannot watch its parent, so a small watchdog holds a pipe from this
 * process and is told what to stop: when the launcher dies, even by kill -9,
 * the pipe closes and the watchdog stops HAProxy at once (redis-server has a
 * watchdog of its own, startRedisServer's).
 */
function launcherWatchdog(): { redis(port: number): void; pid(pid: number): void } {
  const script = [
    `let redis=0;const pids=[];let buf='';`,
    `process.stdin.on('data',d=>{buf+=d;let i;while((i=buf.indexOf('\\n'))>=0){const [k,v]=buf.slice(0,i).split(' ');buf=buf.slice(i+1);if(k==='redis')redis=+v;else pids.push(+v)}});`,
    `process.stdin.on('end',()=>{for(const p of pids){try{process.kill(p,'SIGTERM')}catch{}}`,
    `if(!redis)return process.exit(0);setTimeout(()=>{const s=require('net').connect(redis,'127.0.0.1',()=>s.end('SHUTDOWN\\r\\n'));s.on('error',()=>{});setTimeout(()=>process.exit(0),2000).unref()},3000)})`,
  ].join('');
  const child = spawn(process.execPath, ['-e', script], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  child.unref();
  const say = (line: string) => child.stdin?.write(`${line}\n`);
  return { redis: (port) => say(`redis ${port}`), pid: (pid) => say(`pid ${pid}`) };
}

async function main(): Promise<void> {
  const cfg = parseEnv(schema, process.env);
  const app = loadAppConfig();
  let redisUrl = cfg.REDIS_URL;
  if (!redisUrl) {
    const dataDir = path.join(app.DATA_DIR, 'cluster', 'redis');
    // When the launcher dies, even by kill -9, its watchdog stops redis-server 3 s later,
    // once the nodes (which watch their IPC channel) have had their chance to close against it.
    redis = await startRedisServer({ dataDir, log, watchdogGraceMs: 3_000 });
    redisUrl = redis.url;
    log.info({ port: redis.port, dir: dataDir }, 'cluster redis-server started (AOF on)');
  }
  const base: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: redisUrl };
  // The certificate is the edge's: the nodes behind it speak plain HTTP.
  delete base.TLS_CERT;
  delete base.TLS_KEY;
  if (app.TURN === 'embedded') {
    // One coturn (stopped by its own watchdog if the launcher is killed); the nodes
    // must not start one each on the same ports: they get its URLs and secret instead.
    const started = await startEmbeddedTurn(app, process.env, log);
    turn = started.child;
    Object.assign(base, started.signalingEnv, { TURN: 'off' });
  }

  for (let i = 1; i <= cfg.CLUSTER_SFU_NODES; i++) {
    const rtcPort = cfg.RTC_PORT === 0 ? 0 : cfg.RTC_PORT + 100 * (i - 1);
    const env = {
      ...base,
      SFU_NODE_ID: `sfu-${i}`,
      SFU_WORKERS: String(cfg.CLUSTER_SFU_WORKERS),
      RTC_PORT: String(rtcPort),
    };
    // Started one by one: each is ready (registered) before the next.
    started.push(await spawnNode(`sfu-${i}`, 'sfu', env));
  }
  for (let i = 1; i <= cfg.CLUSTER_SIGNALING_NODES; i++) {
    const env = {
      ...base,
      SFU_MODE: 'remote',
      SIGNALING_NODE_ID: `sig-${i}`,
      PORT: '0',
      HOST: '127.0.0.1', // reachable through HAProxy only
      TRUST_PROXY: '1',
      // The first node seeds the demo data; the others find it in Redis.
      SEED_DEMO: i === 1 ? (process.env.SEED_DEMO ?? 'true') : 'false',
    };
    started.push(await spawnNode(`sig-${i}`, 'signaling', env));
  }
  if (phoneConfigured()) {
    // The phone role talks to the first signaling node directly (REST and socket.io).
    const first = started.find((c) => c.ready.ready === 'signaling');
    const appUrl = process.env.PHONE_APP_URL ?? z.string().url().parse(first?.ready.url);
    started.push(await spawnNode('phone', 'phone', { ...base, PHONE_APP_URL: appUrl }));
  }
  if (!cfg.TLS_CERT !== !cfg.TLS_KEY) throw new Error('TLS_CERT and TLS_KEY go together');
  const nodes = started
    .filter((c) => c.ready.ready === 'signaling')
    .map((c) => ({ name: c.name, url: z.string().url().parse(c.ready.url) }));
  edge = await startLocalEdge({
    nodes,
    dir: path.join(app.DATA_DIR, 'cluster', 'haproxy'),
    httpPort: cfg.PORT,
    host: cfg.HOST,
    tls:
      cfg.TLS_CERT && cfg.TLS_KEY
        ? { cert: cfg.TLS_CERT, key: cfg.TLS_KEY, httpsPort: cfg.HTTPS_PORT }
        : undefined,
    // HTTPS_PORT shared with TURN over TLS (clients without ALPN), as on the edge machine.
    turnTls: turn?.settings.tls ? `127.0.0.1:${turn.settings.tlsPort}` : undefined,
    stdio: 'inherit',
  });
  if (edge.process.pid) watchdog.pid(edge.process.pid);
  log.info(
    { url: edge.url, signaling: nodes.map((n) => n.url), redis: redisUrl, haproxy: edge.cfgPath },
    'GiaoBan cluster ready',
  );
  // The one line a person running `npm run cluster` looks for, outside the JSON logs.
  process.stdout.write(
    `\nGiaoBan cluster (${cfg.CLUSTER_SFU_NODES} SFU + ${cfg.CLUSTER_SIGNALING_NODES} signaling nodes, HAProxy) / cụm máy chủ: ${edge.url}\n\n`,
  );
  edge.process.once('exit', (code, signal) => {
    if (!stopping) log.error({ code, signal }, 'haproxy exited');
  });
  for (const child of started) {
    child.process.once('exit', (code, signal) => {
      if (!stopping) log.error({ node: child.name, code, signal }, 'cluster node exited');
    });
  }
}

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping the cluster');
  await stopAll();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

try {
  await main();
} catch (err) {
  log.fatal({ err }, 'the cluster could not start');
  stopping = true;
  await stopAll();
  process.exit(1);
}
