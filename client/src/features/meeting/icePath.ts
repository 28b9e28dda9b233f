import type { Transport } from 'mediasoup-client/types';
import type { TurnGrant } from '@giaoban/signaling/protocol/ice';

/**
 * Direct first, relay when direct does not connect. A transport starts with the
 * path this device last connected on (localStorage); 'direct' = host candidates
 * only (no TURN allocation for the 9 communes in 10 that never need one); when
 * ICE has not connected within a few seconds, the transport switches to
 * relay-only (iceTransportPolicy 'relay' with the TURN servers signaling handed
 * out) and restarts ICE — and back if the relay does not connect either.
 */
export type IcePath = 'direct' | 'relay';

/** What the room shows: the path and, from the selected candidate pair, how. */
export interface IcePathInfo {
  path: IcePath;
  /** 'udp' | 'tcp' for direct; 'udp' | 'tcp' | 'tls' between the browser and TURN. */
  protocol: 'udp' | 'tcp' | 'tls';
}

export const ICE_PATH_KEY = 'giaoban.icePath';
/** Direct ICE+DTLS takes ≈ 3.5 s on EDGE (840 ms RTT): switching earlier would abandon working paths. */
export const DIRECT_TIMEOUT_MS = 5_000;
/**
 * TURN over TLS costs TCP + TLS + TURN round trips before ICE even starts: on EDGE
 * (840 ms RTT) a device that starts relay-only over TLS has its first audio 8.4 s
 * after the click (npm run bench:paths); 10 s left too little margin for a lossy
 * link, where switching back to direct would start the whole dance again.
 */
export const RELAY_TIMEOUT_MS = 15_000;
/**
 * Direct checks sent this long without one answer from the SFU: the network drops
 * them (a firewall that lets only TCP 443 out), so switch to the relay now rather
 * than at DIRECT_TIMEOUT_MS. mediasoup (ICE-lite) answers every check at once; on
 * EDGE (840 ms RTT, plus the join's own traffic queued ahead) the first answer is
 * back within ≈ 1.3 s of the first check.
 */
export const DIRECT_SILENT_MS = 2_000;
/** How often a direct attempt's checks are looked at (getStats). */
const SILENT_POLL_MS = 250;

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // disabled storage: start direct every time
  }
}

export function rememberedPath(): IcePath {
  return storage()?.getItem(ICE_PATH_KEY) === 'relay' ? 'relay' : 'direct';
}

function remember(path: IcePath): void {
  try {
    storage()?.setItem(ICE_PATH_KEY, path);
  } catch {
    // full or disabled: nothing to remember
  }
}

/** mediasoup-client keeps its RTCPeerConnection private; its browser handlers name it `_pc`. */
function peerConnectionOf(t: Transport): RTCPeerConnection | undefined {
  const pc = (t.handler as unknown as { _pc?: unknown })._pc;
  return typeof RTCPeerConnection !== 'undefined' && pc instanceof RTCPeerConnection
    ? pc
    : undefined;
}

/** Connectivity checks the browser sent and the answers it got, over every candidate pair. */
async function checks(t: Transport): Promise<{ sent: number; answered: number } | undefined> {
  const stats = await t.getStats().catch(() => undefined);
  if (!stats) return undefined;
  let sent = 0;
  let answered = 0;
  stats.forEach((s: Record<string, unknown>) => {
    if (s.type !== 'candidate-pair') return;
    sent += Number(s.requestsSent ?? 0);
    answered += Number(s.responsesReceived ?? 0);
  });
  return { sent, answered };
}

async function selectedPath(t: Transport): Promise<IcePathInfo | undefined> {
  const stats = await t.getStats().catch(() => undefined);
  if (!stats) return undefined;
  let pairId: string | undefined;
  stats.forEach((s: Record<string, unknown>) => {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string')
      pairId = s.selectedCandidatePairId;
  });
  const pair = pairId ? (stats.get(pairId) as Record<string, unknown> | undefined) : undefined;
  const local = pair
    ? (stats.get(pair.localCandidateId as string) as Record<string, unknown>)
    : undefined;
  if (!local) return undefined;
  if (local.candidateType === 'relay') {
    const via = String(local.relayProtocol ?? 'udp');
    return { path: 'relay', protocol: via === 'tls' ? 'tls' : via === 'tcp' ? 'tcp' : 'udp' };
  }
  return { path: 'direct', protocol: local.protocol === 'tcp' ? 'tcp' : 'udp' };
}

export class IcePathController {
  #turn: TurnGrant | undefined;
  #path: IcePath;
  #timers = new Map<Transport, ReturnType<typeof setTimeout>>();
  #silence = new Map<Transport, ReturnType<typeof setInterval>>();
  #refresh: ReturnType<typeof setTimeout> | undefined;
  readonly #transports = new Set<Transport>();

  constructor(
    private readonly o: {
      /** Fresh TURN credentials (signaling's `media:iceServers`). */
      fetchTurn: () => Promise<TurnGrant | undefined>;
      /** The engine's ICE restart (new server ICE parameters, then the browser's). */
      restartIce: (t: Transport) => Promise<void>;
      onPath: (info: IcePathInfo) => void;
      directTimeoutMs?: number;
      relayTimeoutMs?: number;
      directSilentMs?: number;
    },
  ) {
    this.#path = rememberedPath();
  }

  /** Credentials from the prepare or join answer (or a refresh). */
  setTurn(turn: TurnGrant | undefined): void {
    this.#turn = turn;
    clearTimeout(this.#refresh);
    if (!turn) return;
    // Refresh at 80 % of the remaining lifetime, at least 30 s before the end.
    const left = turn.expiresAt - Date.now();
    const at = Math.max(5_000, Math.min(left * 0.8, left - 30_000));
    this.#refresh = setTimeout(() => void this.#refreshTurn(), at);
  }

  async #refreshTurn(): Promise<void> {
    const next = await this.o.fetchTurn().catch(() => undefined);
    if (!next) {
      this.#refresh = setTimeout(() => void this.#refreshTurn(), 30_000);
      return;
    }
    this.setTurn(next);
    for (const t of this.#transports)
      if (!t.closed && this.#policyOf(t) === 'relay')
        await t.updateIceServers({ iceServers: next.iceServers }).catch(() => undefined);
  }

  get turn(): TurnGrant | undefined {
    return this.#turn;
  }

  /** Options for a new transport: the remembered path, relay only when TURN exists. */
  transportOptions(): { iceServers: RTCIceServer[]; iceTransportPolicy: RTCIceTransportPolicy } {
    return this.#path === 'relay' && this.#turn
      ? { iceServers: this.#turn.iceServers, iceTransportPolicy: 'relay' }
      : { iceServers: [], iceTransportPolicy: 'all' };
  }

  #policyOf(t: Transport): RTCIceTransportPolicy {
    return peerConnectionOf(t)?.getConfiguration().iceTransportPolicy ?? 'all';
  }

  /** Watches a transport: records the path it connects on, switches when it does not connect. */
  watch(t: Transport): void {
    this.#transports.add(t);
    t.on('connectionstatechange', (state) => {
      if (state === 'connected') {
        this.#disarm(t);
        void selectedPath(t).then((info) => {
          if (!info || t.closed) return;
          this.#path = info.path;
          remember(info.path);
          this.o.onPath(info);
        });
      } else if (state === 'closed') {
        this.#disarm(t);
        this.#transports.delete(t);
      } else if (state !== 'new') this.#arm(t);
    });
  }

  #arm(t: Transport): void {
    if (this.#timers.has(t) || !this.#turn) return;
    const relay = this.#policyOf(t) === 'relay';
    const ms = relay
      ? (this.o.relayTimeoutMs ?? RELAY_TIMEOUT_MS)
      : (this.o.directTimeoutMs ?? DIRECT_TIMEOUT_MS);
    this.#timers.set(
      t,
      setTimeout(() => {
        this.#timers.delete(t);
        this.#stopSilence(t);
        if (!t.closed && t.connectionState !== 'connected') void this.#switch(t, !relay);
      }, ms),
    );
    if (!relay) this.#watchSilence(t);
  }

  /** A direct attempt whose checks all go unanswered switches before its timeout. */
  #watchSilence(t: Transport): void {
    const silentMs = this.o.directSilentMs ?? DIRECT_SILENT_MS;
    let firstSentAt: number | undefined;
    let busy = false;
    const poll = async () => {
      if (busy) return;
      busy = true;
      const c = await checks(t);
      busy = false;
      if (!c || !this.#silence.has(t)) return;
      if (c.answered > 0) return this.#stopSilence(t); // direct answers: let it finish
      if (c.sent === 0) return;
      firstSentAt ??= Date.now();
      if (Date.now() - firstSentAt < silentMs) return;
      this.#disarm(t);
      if (!t.closed && t.connectionState !== 'connected') void this.#switch(t, true);
    };
    this.#silence.set(
      t,
      setInterval(() => void poll(), SILENT_POLL_MS),
    );
  }

  #stopSilence(t: Transport): void {
    clearInterval(this.#silence.get(t));
    this.#silence.delete(t);
  }

  #disarm(t: Transport): void {
    clearTimeout(this.#timers.get(t));
    this.#timers.delete(t);
    this.#stopSilence(t);
  }

  /** Relay-only (or back to direct), then an ICE restart; re-armed for the new attempt. */
  async #switch(t: Transport, toRelay: boolean): Promise<void> {
    const pc = peerConnectionOf(t);
    const turn = this.#turn;
    if (!turn) return;
    if (pc) {
      pc.setConfiguration({
        ...pc.getConfiguration(),
        iceServers: toRelay ? turn.iceServers : [],
        iceTransportPolicy: toRelay ? 'relay' : 'all',
      });
    } else {
      // An unknown handler: at least offer the relay beside the direct paths.
      await t.updateIceServers({ iceServers: turn.iceServers }).catch(() => undefined);
    }
    await this.o.restartIce(t);
    if (!t.closed && t.connectionState !== 'connected') this.#arm(t);
  }

  stop(): void {
    clearTimeout(this.#refresh);
    for (const t of [...this.#timers.keys(), ...this.#silence.keys()]) this.#disarm(t);
    this.#transports.clear();
  }
}
