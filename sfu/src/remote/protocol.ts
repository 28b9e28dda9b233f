import { z } from 'zod';
import type { types as ms } from 'mediasoup';
import { errorCodeSchema } from '@giaoban/common/errors';
import type { ClientLinkReport } from '../link/endpointLink';
import type { LinkStateEvent, VideoSelectionEvent } from '../link/linkSupervisor';
import type { SfuEvent } from '../sfuClient';
import {
  recordingEventSchema,
  recordingResultSchema,
  recordingStatusSchema,
  startRecordingSchema,
} from '../recording/recordingTypes';

/**
 * The SfuClient calls carried over Redis between signaling nodes and SFU nodes,
 * declared once and validated on both sides. mediasoup's own structures
 * (RTP parameters, DTLS, ICE) are checked for shape only: mediasoup validates
 * them in full on the SFU node, and signaling already checked what browsers sent.
 */

const id = z.string().min(1).max(200);

/**
 * Why an endpoint's media is gone and its client must join again: its
 * mediasoup worker died (the node lives on), or the SFU node it was on is
 * lost (heartbeat lapsed or restarted: the whole meeting moves to another node).
 */
export const endpointLostReasonSchema = z.enum(['workerDied', 'sfuNodeLost']);
export type EndpointLostReason = z.infer<typeof endpointLostReasonSchema>;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** An object whose listed fields are arrays (mediasoup parameter shapes). */
const shaped = <T>(arrays: string[], strings: string[] = []) =>
  z.custom<T>(
    (v) =>
      isRecord(v) &&
      arrays.every((k) => v[k] === undefined || Array.isArray(v[k])) &&
      strings.every((k) => typeof v[k] === 'string'),
  );

const rtpCapabilities = shaped<ms.RtpCapabilities>(['codecs', 'headerExtensions']);
const rtpParameters = shaped<ms.RtpParameters>(['codecs', 'encodings', 'headerExtensions']);
const dtlsParameters = shaped<ms.DtlsParameters>(['fingerprints']);
const iceParameters = shaped<ms.IceParameters>([], ['usernameFragment', 'password']);
const mediaKind = z.enum(['audio', 'video']);
const mediaSource = z.enum(['mic', 'camera', 'screen']);

const webRtcTransport = z.object({
  id,
  iceParameters,
  iceCandidates: z.array(z.custom<ms.IceCandidate>(isRecord)),
  dtlsParameters,
});
const plainTransport = z.object({ id, ip: z.string(), port: z.number().int() });
const producerInfo = z.object({
  id,
  endpointId: id,
  kind: mediaKind,
  source: mediaSource,
  paused: z.boolean(),
});
const consumerParams = z.object({
  id,
  producerId: id,
  endpointId: id,
  kind: mediaKind,
  source: mediaSource,
  rtpParameters,
  paused: z.boolean(),
  producerPaused: z.boolean(),
  type: z.enum(['simple', 'simulcast', 'svc', 'pipe']),
});
const routerInfo = z.object({
  routerId: id,
  workerIndex: z.number().int(),
  endpoints: z.number().int(),
  consumers: z.number().int(),
});
const layers = z.object({
  spatialLayer: z.number().int().min(0),
  temporalLayer: z.number().int().min(0).optional(),
});
/** Link adaptation structures belong to sfu/src/link and grow there; checked for shape here. */
const linkReport = z.custom<ClientLinkReport>(isRecord);
const linkStateEvent = z.custom<LinkStateEvent>(
  (v) => isRecord(v) && v.type === 'linkState' && typeof v.endpointId === 'string',
);
const none = z.null();

export const sfuMethods = {
  join: {
    args: z.tuple([
      z.object({
        meetingId: id,
        endpointId: id,
        unitId: id,
        link: z
          .object({
            linkProfile: z.enum(['good', 'poor']).optional(),
            startWithVideo: z.boolean().optional(),
            forcedAudioOnly: z.boolean().optional(),
          })
          .optional(),
        group: id.optional(),
      }),
    ]),
    result: z.object({
      routerRtpCapabilities: rtpCapabilities,
      sendTransport: webRtcTransport,
      recvTransport: webRtcTransport,
      producers: z.array(producerInfo),
    }),
  },
  joinPlain: {
    args: z.tuple([
      z.object({
        meetingId: id,
        endpointId: id,
        unitId: id,
        group: id.optional(),
        recvTo: z.object({
          ip: z.string().min(1).max(100),
          port: z.number().int().min(1).max(65535),
        }),
      }),
    ]),
    result: z.object({
      send: plainTransport,
      recv: plainTransport,
      producers: z.array(producerInfo),
    }),
  },
  routerRtpCapabilities: { args: z.tuple([]), result: rtpCapabilities },
  leave: { args: z.tuple([id, id]), result: none },
  connectTransport: { args: z.tuple([id, id, id, dtlsParameters]), result: none },
  restartIce: { args: z.tuple([id, id, id]), result: iceParameters },
  produce: {
    args: z.tuple([
      id,
      id,
      z.object({
        kind: mediaKind,
        rtpParameters,
        source: mediaSource,
        paused: z.boolean().optional(),
      }),
    ]),
    result: producerInfo,
  },
  closeProducer: { args: z.tuple([id, id, id]), result: none },
  pauseProducer: { args: z.tuple([id, id]), result: none },
  resumeProducer: { args: z.tuple([id, id]), result: none },
  consume: { args: z.tuple([id, id, id, rtpCapabilities]), result: consumerParams },
  pauseConsumer: { args: z.tuple([id, id, id]), result: none },
  resumeConsumer: { args: z.tuple([id, id, id]), result: none },
  setPreferredLayers: { args: z.tuple([id, id, id, layers]), result: none },
  producers: { args: z.tuple([id]), result: z.array(producerInfo) },
  routers: { args: z.tuple([id]), result: z.array(routerInfo) },
  closeMeeting: { args: z.tuple([id]), result: none },
  reportLink: { args: z.tuple([id, id, linkReport]), result: none },
  setAudioOnly: { args: z.tuple([id, id, z.boolean()]), result: none },
  setFloor: { args: z.tuple([id, id.nullable()]), result: none },
  pinVideo: { args: z.tuple([id, id, id, z.boolean()]), result: z.array(z.string()) },
  hostPinVideo: { args: z.tuple([id, id, z.boolean()]), result: z.array(z.string()) },
  linkState: { args: z.tuple([id, id]), result: linkStateEvent.nullable() },
  startRecording: { args: z.tuple([id, startRecordingSchema]), result: recordingStatusSchema },
  stopRecording: {
    args: z.tuple([id, z.object({ recordingId: id, startedAt: z.number().int().min(0) })]),
    result: recordingResultSchema,
  },
} as const;

export type SfuMethod = keyof typeof sfuMethods;
export type SfuArgs<M extends SfuMethod> = z.output<(typeof sfuMethods)[M]['args']>;
export type SfuResult<M extends SfuMethod> = z.output<(typeof sfuMethods)[M]['result']>;
export const sfuMethodNames = Object.keys(sfuMethods) as [SfuMethod, ...SfuMethod[]];

/** A request on an SFU node's channel from one RemoteSfuClient (the reply goes to its channel). */
export const rpcRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  from: z.string().uuid(),
  method: z.enum(sfuMethodNames),
  args: z.array(z.unknown()).max(8),
});
export type RpcRequest = z.infer<typeof rpcRequestSchema>;

export const rpcResponseSchema = z.discriminatedUnion('ok', [
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({
    id: z.number().int(),
    ok: z.literal(false),
    error: z.object({ code: errorCodeSchema, details: z.unknown().optional() }),
  }),
]);
export type RpcResponse = z.infer<typeof rpcResponseSchema>;

const meetingEndpoint = { meetingId: id, endpointId: id };
/** SfuEvents as an SFU node publishes them; link events are checked for shape (sfu/src/link owns them). */
export const sfuEventSchema: z.ZodType<SfuEvent> = z.union([
  z.object({
    type: z.literal('consumerClosed'),
    ...meetingEndpoint,
    consumerId: id,
    producerId: id,
  }),
  z.object({
    type: z.literal('consumerLayersChanged'),
    ...meetingEndpoint,
    consumerId: id,
    layers: layers.nullable(),
  }),
  z.object({
    type: z.literal('consumerScore'),
    ...meetingEndpoint,
    consumerId: id,
    score: z.number(),
  }),
  z.object({ type: z.literal('activeSpeaker'), ...meetingEndpoint }),
  z.object({
    type: z.literal('endpointLost'),
    ...meetingEndpoint,
    reason: endpointLostReasonSchema,
  }),
  linkStateEvent.refine((e) => typeof e.meetingId === 'string'),
  z.custom<VideoSelectionEvent>(
    (v) =>
      isRecord(v) &&
      v.type === 'videoSelection' &&
      typeof v.meetingId === 'string' &&
      typeof v.endpointId === 'string' &&
      Array.isArray(v.producerIds),
  ),
  recordingEventSchema,
]);

/** What an SFU node announces in its heartbeat. */
export const sfuNodeInfoSchema = z.object({
  id,
  /** The address browsers reach its WebRtcServers on. */
  rtcAddress: z.string(),
  rtcPorts: z.array(z.number().int()),
  workers: z.number().int(),
  load: z.object({
    meetings: z.number().int(),
    endpoints: z.number().int(),
    consumers: z.number().int(),
  }),
  startedAt: z.number(),
  /** New at every start: a node restarted under the same id within its TTL has lost its meetings. */
  bootId: z.string().min(1),
  pid: z.number().int(),
});
export type SfuNodeInfo = z.infer<typeof sfuNodeInfoSchema>;
