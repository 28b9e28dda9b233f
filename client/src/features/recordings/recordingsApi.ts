import {
  occurrenceRecordingsSchema,
  type OccurrenceRecordings,
  type RecordingDetail,
  type RecordingSummary,
} from '@giaoban/scheduler/api/recordings';
import { api } from '../../app/api';

export function occurrenceRecordings(occurrenceId: string): Promise<OccurrenceRecordings> {
  return api(
    `/api/occurrences/${encodeURIComponent(occurrenceId)}/recordings`,
    occurrenceRecordingsSchema,
  );
}

/** The full recording (players, tracks, timeline) or only its existence. */
export function isDetail(r: RecordingDetail | RecordingSummary): r is RecordingDetail {
  return r.mayPlay && 'timeline' in r;
}

/** A recording's file, played (cookie session) or downloaded; the server audits both. */
export function fileUrl(recordingId: string, file: string, download = false): string {
  const base = `/api/recordings/${encodeURIComponent(recordingId)}/file/${encodeURIComponent(file)}`;
  return download ? `${base}?download=1` : base;
}

/** mm:ss (or h:mm:ss) on the recording's timeline. */
export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
