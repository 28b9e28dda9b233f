import type { AttendanceEvent } from '@giaoban/common/ports';

/** Stored per occurrence and unit; times in ms. */
export interface UnitPresence {
  unitId: string;
  firstJoin: number | null;
  lastLeave: number | null;
  presentMs: number;
  audioOnlyMs: number;
  reconnects: number;
  /** Connected endpoints and whether each is audio-only. */
  endpoints: Record<string, boolean>;
  /** Time of the last event: durations accrue from here in the current state. */
  lastAt: number;
  /**
   * The last event applied per endpoint ("joined@1796605200000:1:0"): the same
   * event delivered again (a Redis command re-sent after a dropped connection, a
   * signaling retry) is recognised and not counted twice. Absent in older records.
   */
  applied?: Record<string, string>;
  /** Connected endpoints that joined by telephone (absent in older records). */
  phoneEndpoints?: Record<string, true>;
  /** Time with at least one of the unit's endpoints in by telephone. */
  phoneMs?: number;
  /** The unit joined by telephone at least once. */
  joinedByPhone?: boolean;
}

export function emptyPresence(unitId: string, at: number): UnitPresence {
  return {
    unitId,
    firstJoin: null,
    lastLeave: null,
    presentMs: 0,
    audioOnlyMs: 0,
    reconnects: 0,
    endpoints: {},
    lastAt: at,
  };
}

const isPresent = (p: UnitPresence) => Object.keys(p.endpoints).length > 0;
const isAudioOnly = (p: UnitPresence) => isPresent(p) && Object.values(p.endpoints).every(Boolean);
const byPhone = (p: UnitPresence) => Object.keys(p.phoneEndpoints ?? {}).length > 0;

/** Adds the time since the last event to the totals of the state the unit was in. */
export function accrue(p: UnitPresence, at: number): UnitPresence {
  const t = Math.max(at, p.lastAt);
  const dt = t - p.lastAt;
  return {
    ...p,
    presentMs: p.presentMs + (isPresent(p) ? dt : 0),
    audioOnlyMs: p.audioOnlyMs + (isAudioOnly(p) ? dt : 0),
    ...(byPhone(p) ? { phoneMs: (p.phoneMs ?? 0) + dt } : {}),
    lastAt: t,
  };
}

/**
 * Applies one signaling event. A unit is present while any of its endpoints is
 * connected, and audio-only while all of its connected endpoints are.
 */
export function applyEvent(before: UnitPresence, event: AttendanceEvent): UnitPresence {
  const key = eventKey(event);
  if (before.applied?.[event.endpointId] === key) return before;
  const after = applyOnce(before, event);
  return { ...after, applied: { ...before.applied, [event.endpointId]: key } };
}

function eventKey(e: AttendanceEvent): string {
  const flags =
    e.type === 'joined'
      ? `:${Number(e.audioOnly)}:${Number(e.reconnect)}`
      : e.type === 'audioOnly'
        ? `:${Number(e.audioOnly)}`
        : '';
  return `${e.type}@${e.at}${flags}`;
}

function applyOnce(before: UnitPresence, event: AttendanceEvent): UnitPresence {
  const p = accrue(before, event.at);
  const endpoints = { ...p.endpoints };
  switch (event.type) {
    case 'joined': {
      const cameBack = p.firstJoin !== null && !isPresent(p);
      const reconnects = p.reconnects + (event.reconnect || cameBack ? 1 : 0);
      endpoints[event.endpointId] = event.audioOnly;
      const joined = { ...p, endpoints, reconnects, firstJoin: p.firstJoin ?? p.lastAt };
      if (!event.phone) return joined;
      const phoneEndpoints = { ...p.phoneEndpoints, [event.endpointId]: true as const };
      return { ...joined, phoneEndpoints, joinedByPhone: true, phoneMs: p.phoneMs ?? 0 };
    }
    case 'left': {
      if (!(event.endpointId in endpoints)) return p;
      delete endpoints[event.endpointId];
      const left = { ...p, endpoints, lastLeave: p.lastAt };
      if (!p.phoneEndpoints?.[event.endpointId]) return left;
      const phoneEndpoints = { ...p.phoneEndpoints };
      delete phoneEndpoints[event.endpointId];
      return { ...left, phoneEndpoints };
    }
    case 'audioOnly':
      if (!(event.endpointId in endpoints)) return p;
      endpoints[event.endpointId] = event.audioOnly;
      return { ...p, endpoints };
  }
}

export function presentNow(p: UnitPresence): boolean {
  return isPresent(p);
}
export function audioOnlyNow(p: UnitPresence): boolean {
  return isAudioOnly(p);
}
