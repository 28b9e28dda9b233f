import type { Transport } from 'mediasoup-client/types';

/** mediasoup-client's fixed mid of its RTP-probation receiver. */
export const PROBATOR_MID = 'probator';

/**
 * The parts of a mediasoup-client (3.24) receive transport this module uses.
 * They are internal: each is checked, and without them nothing is switched.
 */
interface TransportInternals {
  _probatorConsumerCreated?: boolean;
  _handler?: {
    pauseReceiving?(localIds: string[]): Promise<void>;
    resumeReceiving?(localIds: string[]): Promise<void>;
  };
  _awaitQueue?: { push?<T>(task: () => Promise<T>, name?: string): Promise<T> };
}

/**
 * Switches off mediasoup-client's RTP-probation receiver while this endpoint
 * receives no video. The SFU keeps probing the downlink every few seconds
 * (mediasoup enables periodic ALR probing) with padding packets on the
 * probator's SSRC; Chrome, seeing a video stream that is active but never
 * decodable, asks for a keyframe every 200 ms. Measured on a GPRS commune in
 * audio-only: 5 PLIs a second, 2.4 kbit/s of a 20 kbit/s uplink, sent for
 * a stream nobody will ever decode. With video back, probation (and thus
 * the receiver) is what lets the SFU's estimate grow, so it runs again.
 *
 * Pausing is local (the receive transceiver goes inactive, an SDP exchange
 * with no message on the network), queued behind mediasoup-client's own
 * operations so it never interleaves with a consume.
 */
export class ProbatorSwitch {
  readonly #transport: TransportInternals;
  /** Off until the link allows video: every endpoint starts audio-only. */
  #wantRunning = false;
  /** mediasoup-client creates it receiving. */
  #running = true;
  #applying = false;

  constructor(transport: Transport) {
    this.#transport = transport as unknown as TransportInternals;
  }

  /** Whether the probator should receive (video allowed on the downlink). */
  set(running: boolean): void {
    this.#wantRunning = running;
    this.sync();
  }

  /** Applies the wanted state once the probator exists (call after consumers are created). */
  sync(): void {
    // Called for every consumer created (150 in a full meeting's join answer): once the
    // probator is in the wanted state there is nothing to queue.
    const settled = this.#wantRunning === this.#running && this.#transport._probatorConsumerCreated;
    if (this.#applying || settled) return;
    this.#applying = true;
    void this.#apply().finally(() => {
      this.#applying = false;
      // The wish changed while switching: switch again.
      if (this.#wantRunning !== this.#running && this.#transport._probatorConsumerCreated) {
        this.sync();
      }
    });
  }

  async #apply(): Promise<void> {
    const t = this.#transport;
    const handler = t._handler;
    const queue = t._awaitQueue;
    if (!handler?.pauseReceiving || !handler.resumeReceiving || !queue?.push) return;
    const want = this.#wantRunning;
    // The probator is created with the first video consumer, in the transport's queue:
    // checked in the queue too, behind that creation.
    await queue
      .push(async () => {
        if (!t._probatorConsumerCreated || want === this.#running) return;
        if (want) await handler.resumeReceiving!([PROBATOR_MID]);
        else await handler.pauseReceiving!([PROBATOR_MID]);
        this.#running = want;
      }, 'giaoban.probator')
      .catch(() => undefined); // transport closed meanwhile
  }
}
