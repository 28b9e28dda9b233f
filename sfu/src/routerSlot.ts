import type { types as ms } from 'mediasoup';
import type { PooledWorker } from './workerPool';

/**
 * One router of a meeting, on one worker. It counts its consumers (pipe
 * consumers included) against the meeting's per-router budget and remembers
 * which producers of the meeting's other routers are already piped into it.
 */
export class RouterSlot {
  readonly router: ms.Router;
  readonly worker: PooledWorker;
  readonly speakers: ms.ActiveSpeakerObserver;
  /** Loudest microphones of this router: compares dominant speakers across routers. */
  readonly levels: ms.AudioLevelObserver;
  /** Producers of other routers already available here (same id, pipeToRouter keepId). */
  readonly piped = new Map<string, Promise<void>>();
  readonly endpointIds = new Set<string>();
  /** Endpoints per org-tree group on this router (placement keeps groups together). */
  readonly groups = new Map<string, number>();
  #consumers = 0;

  private constructor(
    router: ms.Router,
    worker: PooledWorker,
    speakers: ms.ActiveSpeakerObserver,
    levels: ms.AudioLevelObserver,
  ) {
    this.router = router;
    this.worker = worker;
    this.speakers = speakers;
    this.levels = levels;
    // Every consumer on this router, including the pipe consumers feeding other routers.
    router.observer.on('newtransport', (transport) => {
      transport.observer.on('newconsumer', (consumer) => {
        this.#consumers++;
        consumer.observer.once('close', () => this.#consumers--);
      });
    });
  }

  static async create(
    worker: PooledWorker,
    mediaCodecs: ms.RouterRtpCodecCapability[],
    meetingId: string,
  ): Promise<RouterSlot> {
    const router = await worker.worker.createRouter({ mediaCodecs, appData: { meetingId } });
    try {
      const speakers = await router.createActiveSpeakerObserver({ interval: 300 });
      const levels = await router.createAudioLevelObserver({
        maxEntries: 3,
        threshold: -70,
        interval: 500,
      });
      return new RouterSlot(router, worker, speakers, levels);
    } catch (err) {
      router.close();
      throw err;
    }
  }

  get id(): string {
    return this.router.id;
  }

  get workerIndex(): number {
    return this.worker.index;
  }

  get consumers(): number {
    return this.#consumers;
  }

  get closed(): boolean {
    return this.router.closed;
  }

  close(): void {
    this.router.close();
  }
}
