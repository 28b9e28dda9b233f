import type { Transport } from 'mediasoup-client/types';
import type { TurnGrant } from '@giaoban/signaling/protocol/ice';

/**
 * Direct first, relay in the same breath. A fresh transport gets the TURN
 * servers signaling handed out with policy 'all': the browser gathers host
 * candidates (UDP, ICE-TCP to the SFU) and relay candidates in parallel, and
 * ICE's own priorities (host ≫ relay) select a direct pair whenever one
 * answers — before the relay is even allocated on an open network. A network
 * that drops direct checks (only TCP 443 out) connects through the relay as
 * soon as it is allocated, with no timer in between. A device that last
 * connected through the relay starts relay-only (localStorage). When an
 * attempt has not connected within seconds, the transport switches policy
 * (both → relay-only → both) and restarts ICE.
 */
export type IcePath = 'direct' | 'relay';

/** What the room shows: the path and, from the selected candidate pair, how. */
export interface IcePathInfo {
  path: IcePath;
  /** 'udp' | 'tcp' for direct; 'udp' | 'tcp' | 'tls' between the browser and TURN. */
  protocol: 'udp' | 'tcp' | 'tls';
}

export const ICE_PATH_KEY = 'giaoban.icePath';
/**
 * An attempt with direct and relay candidates (or direct only, without TURN) that
 * has not connected by then restarts relay-only. It covers the relay too: TURN over
 * TLS on EDGE (840 ms RTT) has its first audio 8.4 s after the click
 * (npm run bench:paths), so anything near that would restart a relay about to work.
 */
export const BOTH_TIMEOUT_MS = 15_000;
/**
 * TURN over TLS costs TCP + TLS + TURN round trips before ICE even starts (8.4 s
 * on EDGE); 10 s left too little margin for a lossy link, where switching back to
 * both would start the whole dance again.
 */
export const RELAY_TIMEOUT_MS = 15_000;

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
  #refresh: ReturnType<typeof setTimeout> | undefined;
  readonly #transports = new Set<Transport>();

  constructor(
    private readonly o: {
      /** Fresh TURN credentials (signaling's `media:iceServers`). */
      fetchTurn: () => Promise<TurnGrant | undefined>;
      /** The engine's ICE restart (new server ICE parameters, then the browser's). */
      restartIce: (t: Transport) => Promise<void>;
      onPath: (info: IcePathInfo) => void;
      bothTimeoutMs?: number;
      relayTimeoutMs?: number;
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
    // Every transport holds TURN servers (both paths or relay-only): ICE restarts allocate anew.
    for (const t of this.#transports)
      if (!t.closed)
        await t.updateIceServers({ iceServers: next.iceServers }).catch(() => undefined);
  }

  get turn(): TurnGrant | undefined {
    return this.#turn;
  }

  /**
   * Options for a new transport: relay-only when this device last connected through the
   * relay; otherwise direct and relay candidates together (ICE prefers direct); without
   * TURN in this deployment, direct only.
   */
  transportOptions(): { iceServers: RTCIceServer[]; iceTransportPolicy: RTCIceTransportPolicy } {
    if (!this.#turn) return { iceServers: [], iceTransportPolicy: 'all' };
    return {
      iceServers: this.#turn.iceServers,
      iceTransportPolicy: this.#path === 'relay' ? 'relay' : 'all',
    };
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
      : (this.o.bothTimeoutMs ?? BOTH_TIMEOUT_MS);
    this.#timers.set(
      t,
      setTimeout(() => {
        this.#timers.delete(t);
        if (!t.closed && t.connectionState !== 'connected') void this.#switch(t, !relay);
      }, ms),
    );
  }

  #disarm(t: Transport): void {
    clearTimeout(this.#timers.get(t));
    this.#timers.delete(t);
  }

  /** Relay-only (or back to both), then an ICE restart; re-armed for the new attempt. */
  async #switch(t: Transport, toRelay: boolean): Promise<void> {
    const pc = peerConnectionOf(t);
    const turn = this.#turn;
    if (!turn) return;
    if (pc) {
      pc.setConfiguration({
        ...pc.getConfiguration(),
        iceServers: turn.iceServers,
        iceTransportPolicy: toRelay ? 'relay' : 'all',
      });
    } else {
      // An unknown handler: at least fresh TURN servers beside the direct paths.
      await t.updateIceServers({ iceServers: turn.iceServers }).catch(() => undefined);
    }
    await this.o.restartIce(t);
    if (!t.closed && t.connectionState !== 'connected') this.#arm(t);
  }

  stop(): void {
    clearTimeout(this.#refresh);
    for (const t of [...this.#timers.keys()]) this.#disarm(t);
    this.#transports.clear();
  }
}
