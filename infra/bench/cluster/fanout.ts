import { io, type Socket } from 'socket.io-client';

/**
 * Emergency fan-out as bench:scheduler measures it, against any base URL:
 * every commune's push socket connected (through a balancer, they spread over
 * the signaling nodes), the commander convenes all communes, and the time
 * from the REST call to each socket's `emergency:alert` is recorded.
 */
export async function emergencyFanout(
  url: string,
  communes: readonly string[],
  runs: number,
): Promise<number[]> {
  const login = async (username: string) => {
    const res = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'GiaoBan@2026' }),
    });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
    return ((await res.json()) as { token: string }).token;
  };
  const received = new Map<string, number[]>();
  const sockets: Socket[] = [];
  try {
    for (const unitId of communes) {
      const socket = io(url, {
        auth: { token: await login(`u${unitId}`) },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (err) => reject(err));
      });
      socket.on('emergency:alert', (p: { emergencyId: string }) => {
        const list = received.get(p.emergencyId) ?? [];
        list.push(performance.now());
        received.set(p.emergencyId, list);
      });
    }
    const token = await login('chihuy');
    const latencies: number[] = [];
    for (let run = 0; run < runs; run++) {
      const t = performance.now();
      const res = await fetch(`${url}/api/emergencies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          title: `Bão số ${run}`,
          selectors: [{ type: 'tier', unitId: '44', tier: 'commune' }],
        }),
      });
      const id = ((await res.json()) as { emergency: { id: string } }).emergency.id;
      const deadline = Date.now() + 10_000;
      while ((received.get(id)?.length ?? 0) < communes.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
      const got = received.get(id) ?? [];
      if (got.length < communes.length)
        throw new Error(`run ${run}: ${got.length}/${communes.length} alerts received`);
      latencies.push(...got.map((at) => at - t));
    }
    return latencies;
  } finally {
    for (const s of sockets) s.disconnect();
  }
}
