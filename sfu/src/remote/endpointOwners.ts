/**
 * Which RemoteSfuClient (signaling node) created each endpoint on this SFU
 * node. A signaling node that dies never says `leave`: its endpoints would
 * stay on the SFU for the whole meeting (transports, producers nobody
 * consumes). The SFU node reaps them once their owner's heartbeat lapses.
 */
export class EndpointOwners {
  /** meetingId → endpointId → owner client id. */
  readonly #owners = new Map<string, Map<string, string>>();
  /** Joins under way per meeting: a meeting is never reaped under a join. */
  readonly #joining = new Map<string, number>();

  joinStarted(meetingId: string): void {
    this.#joining.set(meetingId, (this.#joining.get(meetingId) ?? 0) + 1);
  }

  joinEnded(meetingId: string, endpointId: string, owner: string | undefined): void {
    const n = (this.#joining.get(meetingId) ?? 1) - 1;
    if (n > 0) this.#joining.set(meetingId, n);
    else this.#joining.delete(meetingId);
    if (owner === undefined) return;
    const endpoints = this.#owners.get(meetingId) ?? new Map<string, string>();
    endpoints.set(endpointId, owner);
    this.#owners.set(meetingId, endpoints);
  }

  left(meetingId: string, endpointId: string): void {
    this.#owners.get(meetingId)?.delete(endpointId);
  }

  closed(meetingId: string): void {
    this.#owners.delete(meetingId);
  }

  clients(): Set<string> {
    const ids = new Set<string>();
    for (const endpoints of this.#owners.values()) for (const c of endpoints.values()) ids.add(c);
    return ids;
  }

  /** Endpoints whose owner is among `dead`, per meeting. */
  orphans(dead: ReadonlySet<string>): { meetingId: string; endpointId: string }[] {
    const out: { meetingId: string; endpointId: string }[] = [];
    for (const [meetingId, endpoints] of this.#owners) {
      for (const [endpointId, owner] of endpoints)
        if (dead.has(owner)) out.push({ meetingId, endpointId });
    }
    return out;
  }

  /** Nobody left and nobody joining: the meeting can be closed. */
  empty(meetingId: string): boolean {
    return !this.#joining.get(meetingId) && (this.#owners.get(meetingId)?.size ?? 0) === 0;
  }
}
