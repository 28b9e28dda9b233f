import type { SessionClaims } from './session';

/**
 * In-process contracts between the roles of one GiaoBan node. Each is
 * implemented by one role and consumed by another, and wired together in
 * infra/src/server.ts, so that the roles can later run in separate processes
 * behind the same interfaces.
 */

export type MeetingKind = 'regular' | 'emergency';

/** What the scheduler grants an endpoint that may join a meeting. */
export interface JoinGrant {
  meetingId: string;
  /** The occurrence being held now (recurring meetings), for attendance. */
  occurrenceId: string;
  title: string;
  kind: MeetingKind;
  /** Host rights in this meeting: moderation, floor, roll call. */
  isHost: boolean;
  /** Emergency meetings: audio first, only these units' video is on by default. */
  audioFirst: boolean;
  videoUnitIds: string[];
  /** Units invited to this occurrence (for the roll call). */
  invitedUnitIds: string[];
}

/** Implemented by the scheduler, consumed by signaling. */
export interface MeetingGate {
  /** Throws AppError (NOT_FOUND, FORBIDDEN, MEETING_NOT_OPEN…) when the session may not join. */
  authorizeJoin(meetingId: string, session: SessionClaims): Promise<JoinGrant>;
}

export type AttendanceEvent =
  | {
      type: 'joined';
      meetingId: string;
      occurrenceId: string;
      unitId: string;
      endpointId: string;
      at: number;
      audioOnly: boolean;
      reconnect: boolean;
      /** Joined by telephone (the phone role: dial-in or dial-out). */
      phone?: boolean;
    }
  | {
      type: 'left';
      meetingId: string;
      occurrenceId: string;
      unitId: string;
      endpointId: string;
      at: number;
    }
  | {
      type: 'audioOnly';
      meetingId: string;
      occurrenceId: string;
      unitId: string;
      endpointId: string;
      at: number;
      audioOnly: boolean;
    };

/** An endpoint a signaling node holds right now (its presence heartbeat). */
export interface LiveEndpoint {
  meetingId: string;
  occurrenceId: string;
  unitId: string;
  endpointId: string;
}

/** Implemented by the scheduler, fed by signaling. Must not throw into the caller. */
export interface AttendanceRecorder {
  record(event: AttendanceEvent): void;
  /**
   * Heartbeat: the endpoints this signaling node holds are still there. Endpoints
   * of a node that stops saying so (crashed, killed) are recorded as left.
   */
  alive?(endpoints: LiveEndpoint[]): void;
}

/** Implemented by signaling, used by the scheduler to reach connected endpoints of units. */
export interface UnitNotifier {
  /** Sends a server notification (declared in the signaling protocol) to every socket of these units. */
  notifyUnits(unitIds: string[], event: string, payload: unknown): void;
}

/** Verifies a session token (scheduler), used by the signaling handshake. */
export interface SessionVerifier {
  /** Throws AppError('UNAUTHENTICATED') on a bad or expired token. */
  verify(token: string): Promise<SessionClaims>;
}
