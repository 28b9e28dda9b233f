import { afterAll, beforeAll } from 'vitest';
import { startTestApp } from '../../../infra/test/app';
import { connect, login, type TestClient } from './clients';

export interface SignalingTestApp {
  app: Awaited<ReturnType<typeof startTestApp>>;
  /** Session tokens of the demo accounts named at creation. */
  tokens: Record<string, string>;
  /** Every socket opened through `client()`, closed after the file. */
  open: TestClient[];
  /** A real socket.io client logged in as this demo account. */
  client(who: string): Promise<TestClient>;
}

/**
 * One real all-in-one server (scheduler, signaling, mediasoup workers, redis)
 * for a test file, with the demo accounts logged in; sockets and server are
 * closed after the file. Hooks registered after this one run after it.
 */
export function useSignalingApp(env: Record<string, string>, users: string[]): SignalingTestApp {
  const t: SignalingTestApp = {
    app: undefined as unknown as SignalingTestApp['app'],
    tokens: {},
    open: [],
    async client(who) {
      const c = await connect(t.app.url, t.tokens[who]);
      t.open.push(c);
      return c;
    },
  };
  beforeAll(async () => {
    t.app = await startTestApp(env);
    for (const u of users) t.tokens[u] = await login(t.app.url, u);
  });
  afterAll(async () => {
    for (const c of t.open) c.close();
    await t.app?.close();
  });
  return t;
}
