import type { types as ms } from 'mediasoup';

export interface MediaCounts {
  routers: number;
  transports: number;
  producers: number;
  consumers: number;
}

/**
 * Counts what the workers really hold, from router and transport dumps (not
 * from our own maps), so a leak in our bookkeeping cannot hide a leak in mediasoup.
 */
export async function countMedia(routers: readonly ms.Router[]): Promise<MediaCounts> {
  const counts: MediaCounts = { routers: 0, transports: 0, producers: 0, consumers: 0 };
  for (const router of routers) {
    if (router.closed) continue;
    const dump = await router.dump();
    counts.routers++;
    counts.transports += dump.transportIds.length;
    counts.producers += dump.mapProducerIdConsumerIds.length;
    counts.consumers += dump.mapConsumerIdProducerId.length;
  }
  return counts;
}
