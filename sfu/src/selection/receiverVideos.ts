import type { types as ms } from 'mediasoup';
import type { LastNResult, VideoCandidate } from './lastN';

export interface ReceiverVideoOptions {
  selectVideos?: (candidates: VideoCandidate[], maxVideos: number) => LastNResult;
  describeProducer?: (producerId: string) => Omit<VideoCandidate, 'producerId'> | undefined;
}

/**
 * The videos one receiver may get now (producer ids) among its consumers,
 * and when a last-N hold expires. Without a selector: the first `maxVideos`.
 */
export function chooseVideos(
  consumers: readonly ms.Consumer[],
  maxVideos: number,
  opts: ReceiverVideoOptions,
): { ids: Set<string>; recheckAt?: number } {
  const videos = consumers.filter((c) => !c.closed && c.kind === 'video');
  const { selectVideos, describeProducer } = opts;
  if (!selectVideos || !describeProducer) {
    return { ids: new Set(videos.slice(0, maxVideos).map((c) => c.producerId)) };
  }
  // A paused camera sends nothing: it takes no slot.
  const candidates = videos.flatMap((c) => {
    const d = c.producerPaused ? undefined : describeProducer(c.producerId);
    return d ? [{ producerId: c.producerId, ...d }] : [];
  });
  const result = selectVideos(candidates, maxVideos);
  return { ids: new Set(result.selected.keys()), recheckAt: result.recheckAt };
}
