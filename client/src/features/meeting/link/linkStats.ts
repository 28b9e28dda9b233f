/**
 * Turns the browser's getStats() of the two transports into the small link
 * report sent to the server every few seconds. Pure apart from the state it
 * keeps between samples (packet counters are cumulative; loss is measured per
 * interval, so a loss burst an hour ago does not count now).
 */
export interface LinkReport {
  /** Chrome's send-side bandwidth estimate (candidate pair), kbit/s. */
  availableOutgoingKbps?: number;
  /** Round trip to the SFU (STUN on the selected candidate pair), ms. */
  rttMs?: number;
  /** Fraction of what we sent that the SFU reported lost (RTCP RR), 0..1. */
  upLoss?: number;
  /** Fraction of what the SFU sent us that never arrived, this interval, 0..1. */
  downLoss?: number;
  /** Payload bitrates this interval, kbit/s (for the indicator and benchmarks). */
  sendKbps?: number;
  recvKbps?: number;
}

/** The fields of RTCStats entries this module reads (all optional: browsers differ). */
export interface StatsEntry {
  id: string;
  type: string;
  timestamp?: number;
  kind?: string;
  ssrc?: number;
  state?: string;
  nominated?: boolean;
  selectedCandidatePairId?: string;
  availableOutgoingBitrate?: number;
  currentRoundTripTime?: number;
  fractionLost?: number;
  /** remote-inbound-rtp: receiver reports received so far (a new one = new fractionLost). */
  reportsReceived?: number;
  /** remote-inbound-rtp: the last round trip its receiver reports measured (s), and how many. */
  roundTripTime?: number;
  roundTripTimeMeasurements?: number;
  packetsLost?: number;
  packetsReceived?: number;
  /** inbound-rtp: NACKs this receiver sent (a loss NACK repaired still shows here). */
  nackCount?: number;
  /** inbound-rtp (audio): samples played out, concealed, and concealed while silent. */
  totalSamplesReceived?: number;
  concealedSamples?: number;
  silentConcealedSamples?: number;
  bytesSent?: number;
  bytesReceived?: number;
}

/** Accepts an RTCStatsReport or any iterable of entries (tests). */
export function statsEntries(report: { values(): Iterable<unknown> }): StatsEntry[] {
  return [...report.values()].filter(
    (s): s is StatsEntry => typeof s === 'object' && s !== null && 'id' in s && 'type' in s,
  );
}

function selectedPair(entries: StatsEntry[]): StatsEntry | undefined {
  const transport = entries.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
  if (transport) return entries.find((s) => s.id === transport.selectedCandidatePairId);
  return entries.find((s) => s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated);
}

export class LinkStatsSampler {
  #prev = new Map<string, StatsEntry>();
  #prevAt: number | undefined;

  /**
   * `send` and `recv` are the entries of the send and receive transports'
   * getStats(); `now` in ms. Returns what could be measured.
   */
  sample(send: StatsEntry[], recv: StatsEntry[], now: number): LinkReport {
    const report: LinkReport = {};
    const sendPair = selectedPair(send);
    const recvPair = selectedPair(recv);
    if (sendPair?.availableOutgoingBitrate !== undefined) {
      report.availableOutgoingKbps = Math.round(sendPair.availableOutgoingBitrate / 1000);
    }
    const rtts = [sendPair, recvPair]
      .map((p) => p?.currentRoundTripTime)
      .filter((v): v is number => v !== undefined);
    if (rtts.length) report.rttMs = Math.round(Math.max(...rtts) * 1000);

    // fractionLost is the SFU's last receiver report; it stays in getStats()
    // until the next one. Reported once per report, so one loss burst (a
    // keyframe through a small queue) is not "sustained" by repetition.
    const remoteLoss = send
      .filter((s) => s.type === 'remote-inbound-rtp' && s.fractionLost !== undefined)
      .filter((s) => {
        const p = this.#prev.get(s.id);
        if (!p) return true;
        if (s.reportsReceived !== undefined) return s.reportsReceived !== p.reportsReceived;
        return s.timestamp === undefined || s.timestamp !== p.timestamp;
      })
      .map((s) => s.fractionLost!);
    if (remoteLoss.length) report.upLoss = Math.max(...remoteLoss);

    const seconds = this.#prevAt === undefined ? 0 : (now - this.#prevAt) / 1000;
    let lost = 0;
    let received = 0;
    let bytesIn = 0;
    for (const s of recv) {
      if (s.type !== 'inbound-rtp') continue;
      const p = this.#prev.get(s.id);
      lost += Math.max(0, (s.packetsLost ?? 0) - (p?.packetsLost ?? 0));
      received += Math.max(0, (s.packetsReceived ?? 0) - (p?.packetsReceived ?? 0));
      bytesIn += Math.max(0, (s.bytesReceived ?? 0) - (p?.bytesReceived ?? 0));
    }
    let bytesOut = 0;
    for (const s of send) {
      if (s.type !== 'outbound-rtp') continue;
      bytesOut += Math.max(0, (s.bytesSent ?? 0) - (this.#prev.get(s.id)?.bytesSent ?? 0));
    }
    if (seconds > 0) {
      if (lost + received > 0) report.downLoss = round3(lost / (lost + received));
      report.recvKbps = Math.round((bytesIn * 8) / seconds / 1000);
      report.sendKbps = Math.round((bytesOut * 8) / seconds / 1000);
    }
    this.#prev = new Map([...send, ...recv].map((s) => [s.id, s]));
    this.#prevAt = now;
    return report;
  }
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;
