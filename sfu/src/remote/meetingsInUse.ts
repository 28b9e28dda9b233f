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
  readonly #nodeOf = new Map<string, { id: string; bootId: string }>();
  readonly #endpoints = new Map<string, Set<string>>();

  get size(): number {
    return this.#nodeOf.size;
  }

  nodeOf(meetingId: string): string | undefined {
    return this.#nodeOf.get(meetingId)?.id;
  }

  /**
   * An endpoint joined on a node. If the meeting was on another node, or on an
   * earlier run of this one, the endpoints joined there are returned: lost.
   */
  joined(
    meetingId: string,
    node: { id: string; bootId: string },
    endpointId: string,
  ): LostMeeting | undefined {
    const before = this.#nodeOf.get(meetingId);
    const moved = before && (before.id !== node.id || before.bootId !== node.bootId);
    const lost = moved ? this.#lost(meetingId, before.id) : undefined;
    if (moved) this.forget(meetingId);
    this.#nodeOf.set(meetingId, { id: node.id, bootId: node.bootId });
    const endpoints = this.#endpoints.get(meetingId) ?? new Set<string>();
    this.#endpoints.set(meetingId, endpoints);
    endpoints.add(endpointId);
    return lost;
  }

  left(meetingId: string, endpointId: string): void {
    this.#endpoints.get(meetingId)?.delete(endpointId);
  }

  forget(meetingId: string): void {
    this.#nodeOf.delete(meetingId);
    this.#endpoints.delete(meetingId);
  }

  /** The nodes carrying meetings used here: node id → boot id. */
  nodes(): Map<string, string> {
    return new Map([...this.#nodeOf.values()].map((n) => [n.id, n.bootId]));
  }

  /** Forgets, and returns, the meetings on nodes not in `live` (node id → boot id). */
  takeLost(live: ReadonlyMap<string, string>): LostMeeting[] {
    const lost: LostMeeting[] = [];
    for (const [meetingId, node] of [...this.#nodeOf]) {
      if (live.get(node.id) === node.bootId) continue;
      lost.push(this.#lost(meetingId, node.id));
      this.forget(meetingId);
    }
    return lost;
  }

  #lost(meetingId: string, nodeId: string): LostMeeting {
    return { meetingId, nodeId, endpoints: [...(this.#endpoints.get(meetingId) ?? [])] };
  }
}
