import { createServer as createNetServer } from 'node:net';
import smpp from 'smpp';

/** One SMS as the test SMSC received it: the concatenated parts joined and decoded. */
export interface ReceivedSms {
  destination: string;
  source: string;
  text: string;
  parts: number;
  dataCoding: number;
  registeredDelivery: number;
  messageIds: string[];
}

export interface TestSmsc {
  readonly port: number;
  readonly url: string;
  /** Complete messages (all parts in), in arrival order. */
  readonly received: ReceivedSms[];
  readonly binds: { systemId: string; password: string; ok: boolean }[];
  /** Receipts sent back (message ids). */
  readonly receipts: string[];
  /** Starts listening (again) on the same port. */
  listen(): Promise<void>;
  /** Stops listening and drops every bound session (the SMSC goes down). */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (nobody listening there yet: an SMSC that is down). */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const addr = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  if (!addr || typeof addr === 'string') throw new Error('no port');
  return addr.port;
}

/**
 * A carrier's SMSC for tests, on the `smpp` package's real server (TCP, SMPP 3.4/5.0
 * PDUs): answers bind_transceiver (checks the credentials), enquire_link, unbind and
 * submit_sm (message ids m1, m2 …); joins concatenated UCS2 parts by their UDH; and
 * after receiptDelayMs sends the delivery receipt as deliver_sm (esm_class 0x04,
 * receipt text, receipted_message_id and message_state TLVs) for each part that
 * asked for one.
 */
export async function startTestSmsc(options: {
  systemId: string;
  password: string;
  port?: number;
  receiptDelayMs?: number;
  listen?: boolean;
}): Promise<TestSmsc> {
  const port = options.port ?? (await freePort());
  let nextId = 1;
  const partial = new Map<string, { parts: Map<number, string>; ids: string[] }>();
  let server: smpp.Server | null = null;
  const self: TestSmsc = {
    port,
    url: `smpp://127.0.0.1:${port}`,
    received: [],
    binds: [],
    receipts: [],
    async listen() {
      server = smpp.createServer({}, onSession);
      await new Promise<void>((r) => server?.listen(port, '127.0.0.1', () => r()));
    },
    async stop() {
      const s = server;
      server = null;
      if (!s) return;
      for (const session of [...s.sessions]) session.destroy();
      await new Promise<void>((r) => s.close(() => r()));
    },
  };

  function onSession(session: smpp.Session) {
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu) => {
      const ok = pdu.system_id === options.systemId && pdu.password === options.password;
      self.binds.push({ systemId: String(pdu.system_id), password: String(pdu.password), ok });
      session.send(pdu.response(ok ? {} : { command_status: smpp.ESME_RBINDFAIL }));
    });
    session.on('enquire_link', (pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu) => {
      const messageId = `m${nextId++}`;
      session.send(pdu.response({ message_id: messageId }));
      const sm = pdu.short_message as { message: string; udh?: Buffer[] };
      const concat = sm.udh?.find((u) => u[0] === 0x00);
      const [ref, total, seq] = concat ? [concat[2], concat[3], concat[4]] : [0, 1, 1];
      const key = `${String(pdu.destination_addr)}:${ref}`;
      const entry = partial.get(key) ?? { parts: new Map<number, string>(), ids: [] };
      partial.set(key, entry);
      entry.parts.set(seq ?? 1, sm.message);
      entry.ids.push(messageId);
      if (entry.parts.size === total) {
        partial.delete(key);
        self.received.push({
          destination: String(pdu.destination_addr),
          source: String(pdu.source_addr),
          text: [...entry.parts.entries()]
            .sort(([a], [b]) => a - b)
            .map(([, t]) => t)
            .join(''),
          parts: total ?? 1,
          dataCoding: Number(pdu.data_coding),
          registeredDelivery: Number(pdu.registered_delivery),
          messageIds: entry.ids,
        });
      }
      if (!(Number(pdu.registered_delivery) & 1)) return;
      const submitted = new Date();
      setTimeout(() => {
        self.receipts.push(messageId);
        const sent = session.deliver_sm({
          source_addr: pdu.destination_addr,
          destination_addr: pdu.source_addr,
          esm_class: 0x04,
          short_message: receiptText(messageId, submitted, new Date()),
          receipted_message_id: messageId,
          message_state: 2,
        });
        if (!sent) self.receipts.pop();
      }, options.receiptDelayMs ?? 300);
    });
  }

  if (options.listen !== false) await self.listen();
  return self;
}

/** SMPP 3.4 appendix B receipt text. */
function receiptText(messageId: string, submitted: Date, done: Date): string {
  const d = (t: Date) => t.toISOString().replace(/[-:T]/g, '').slice(2, 12);
  return `id:${messageId} sub:001 dlvrd:001 submit date:${d(submitted)} done date:${d(done)} stat:DELIVRD err:000 text:`;
}
