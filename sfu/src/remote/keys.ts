/**
 * Redis names shared by SFU nodes, signaling nodes and the balancer. One
 * module, so the two sides of the wire can never spell a channel differently.
 */
const root = 'gb:cluster';

export type NodeKind = 'sfu' | 'signaling';

export const clusterKeys = {
  /** A live node's info (JSON), expiring unless its heartbeat renews it. */
  node: (kind: NodeKind, nodeId: string) => `${root}:${kind}:node:${nodeId}`,
  /** Ids of nodes that announced themselves (members whose info expired are dead). */
  nodes: (kind: NodeKind) => `${root}:${kind}:nodes`,
  /** meetingId → the SFU node that carries its media (SET NX: every signaling node agrees). */
  placement: (meetingId: string) => `${root}:sfu:meeting:${meetingId}`,
  /** Meetings placed on one SFU node (placement load before its heartbeat catches up). */
  placed: (nodeId: string) => `${root}:sfu:placed:${nodeId}`,
  /** Requests to one SFU node. */
  rpc: (nodeId: string) => `${root}:sfu:rpc:${nodeId}`,
  /** A RemoteSfuClient's heartbeat: its endpoints on SFU nodes live while this key does. */
  client: (clientId: string) => `${root}:sfu:client:${clientId}`,
  /** Replies to one RemoteSfuClient. */
  reply: (clientId: string) => `${root}:sfu:reply:${clientId}`,
  /** SfuEvents of one SFU node. */
  events: (nodeId: string) => `${root}:sfu:events:${nodeId}`,
  eventsPattern: `${root}:sfu:events:*`,
  nodeOfEvents: (channel: string) => channel.slice(`${root}:sfu:events:`.length),
} as const;
