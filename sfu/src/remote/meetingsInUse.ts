/** A meeting used through one RemoteSfuClient whose SFU node stopped beating. */
export interface LostMeeting {
  meetingId: string;
  nodeId: string;
  /** Endpoints joined through this client: each must rejoin. */
  endpoints: string[];
}

/**
 * The meetings a signaling node drives through its RemoteSfuClient: which SFU
 * node carries each (routing, and events accepted only from that node) and
 * which endpoints it joined there (who is told to rejoin when the node dies).
 */
export class MeetingsInUse {
  readonly #nodeOf = new Map<string, string>();
  readonly #endpoints = new Map<string, Set<string>>();

  get size(): number {
    return this.#nodeOf.size;
  }

  nodeOf(meetingId: string): string | undefined {
    return this.#nodeOf.get(meetingId);
  }

  joined(meetingId: string, nodeId: string, endpointId: string): void {
    this.#nodeOf.set(meetingId, nodeId);
    const endpoints = this.#endpoints.get(meetingId) ?? new Set<string>();
    this.#endpoints.set(meetingId, endpoints);
    endpoints.add(endpointId);
  }

  left(meetingId: string, endpointId: string): void {
    this.#endpoints.get(meetingId)?.delete(endpointId);
  }

  forget(meetingId: string): void {
    this.#nodeOf.delete(meetingId);
    this.#endpoints.delete(meetingId);
  }

  /** Forgets, and returns, the meetings on nodes not in `live`. */
  takeLost(live: ReadonlySet<string>): LostMeeting[] {
    const lost: LostMeeting[] = [];
    for (const [meetingId, nodeId] of [...this.#nodeOf]) {
      if (live.has(nodeId)) continue;
      lost.push({ meetingId, nodeId, endpoints: [...(this.#endpoints.get(meetingId) ?? [])] });
      this.forget(meetingId);
    }
    return lost;
  }
}
