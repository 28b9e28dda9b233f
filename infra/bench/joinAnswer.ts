import type { Socket as NetSocket } from 'node:net';
import { opusRtpParameters } from '@giaoban/sfu/testing/rtp';
import { startTestApp } from '../test/app';
import { connect, login, type TestClient } from '../../signaling/src/testing/clients';
import { runBench, writeBenchResult } from './benchResult';

/**
 * `npm run bench:join-answer [-- 150]`: how big the prepared join's answer is
 * when N communes are already in the meeting (each with a microphone): JSON
 * bytes, bytes read from the TCP socket (permessage-deflate as negotiated by
 * the socket.io client, as a browser does), the server's time to answer, and
 * what those bytes cost on the weak links' downlinks. Real server, real
 * mediasoup worker, real socket.io clients; no RTP flows.
 */
type UnitNode = { id: string; tier: string; children?: UnitNode[] };

/** The TCP socket under a socket.io client's WebSocket (bench-only look inside engine.io). */
function tcpOf(c: TestClient): NetSocket {
  const transport = c.socket.io.engine.transport as unknown as { ws: { _socket: NetSocket } };
  return transport.ws._socket;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 150);
  const app = await startTestApp({ SFU_WORKERS: '1', SIGNALING_RATE_PER_SECOND: '400' });
  const open: TestClient[] = [];
  try {
    const hostToken = await login(app.url, 'host44');
    const res = await fetch(`${app.url}/api/units`, {
      headers: { authorization: `Bearer ${hostToken}` },
    });
    const { tree } = (await res.json()) as { tree: UnitNode };
    const communes: string[] = [];
    const walk = (u: UnitNode) => {
      if (u.tier === 'commune') communes.push(u.id);
      u.children?.forEach(walk);
    };
    walk(tree);
    if (n >= communes.length) throw new Error(`at most ${communes.length - 1} communes`);
    const started = await fetch(`${app.url}/api/meetings/start-now`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hostToken}` },
      body: JSON.stringify({
        title: 'Đo câu trả lời khi vào họp',
        durationMinutes: 60,
        selectors: [{ type: 'tier', unitId: tree.id, tier: 'commune' }],
      }),
    });
    const meetingId = ((await started.json()) as { meeting: { id: string } }).meeting.id;
    for (let i = 0; i < n; i++) {
      const c = await connect(app.url, await login(app.url, `u${communes[i]}`));
      open.push(c);
      const j = await c.request('meeting:join', { meetingId, deviceId: `bench-${i}` });
      if (!j.ok) throw new Error(JSON.stringify(j.error));
      const p = await c.request('media:produce', {
        transportId: j.data.sendTransport.id,
        kind: 'audio',
        rtpParameters: opusRtpParameters(10_000 + i) as unknown as Record<string, unknown>,
        source: 'mic',
      });
      if (!p.ok) throw new Error(JSON.stringify(p.error));
    }
    const last = await connect(app.url, await login(app.url, `u${communes[n]}`));
    open.push(last);
    const prep = await last.request('meeting:prepare', { meetingId });
    if (!prep.ok) throw new Error(JSON.stringify(prep.error));
    await last.request('media:capabilities', { rtpCapabilities: prep.data.routerRtpCapabilities });
    const tcp = tcpOf(last);
    const read0 = tcp.bytesRead;
    const t0 = performance.now();
    const j = await last.request('meeting:join', { meetingId, deviceId: 'bench-last' });
    const answerMs = performance.now() - t0;
    if (!j.ok) throw new Error(JSON.stringify(j.error));
    const wireBytes = tcp.bytesRead - read0;
    const jsonBytes = Buffer.byteLength(JSON.stringify(j));
    const seconds = (kbps: number) => (wireBytes * 8) / (kbps * 1000);
    const row = {
      endpointsPresent: n,
      consumers: j.data.consumers?.length ?? 0,
      jsonBytes,
      wireBytes,
      ratio: jsonBytes / wireBytes,
      answerMs: Math.round(answerMs),
      downloadSeconds: { edge: seconds(240), '2g': seconds(250), gprs: seconds(50) },
    };
    console.log(
      `| present | consumers | JSON | on the wire | answer (loopback) | EDGE/2G | GPRS |\n|---|---|---|---|---|---|---|\n| ${n} | ${row.consumers} | ${(jsonBytes / 1024).toFixed(1)} KiB | ${(wireBytes / 1024).toFixed(1)} KiB (${row.ratio.toFixed(1)}×) | ${row.answerMs} ms | ${seconds(240).toFixed(2)} s | ${seconds(50).toFixed(2)} s |`,
    );
    writeBenchResult('join-answer', { row });
  } finally {
    for (const c of open) c.close();
    await app.close();
  }
}

runBench(main);
