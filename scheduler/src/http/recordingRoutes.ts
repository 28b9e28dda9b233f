import path from 'node:path';
import express, { type Request, type Router } from 'express';
import { AppError, parseOrThrow } from '@giaoban/common/errors';
import type { SessionVerifier } from '@giaoban/common/ports';
import type { SessionClaims } from '@giaoban/common/session';
import {
  recordingFileQuerySchema,
  speakerTurns,
  type OccurrenceRecordings,
  type RecordingDetail,
  type RecordingSummary,
} from '../api/recordings';
import type { AuditLog } from '../audit/auditLog';
import { requireSession, sessionOf } from '../auth/middleware';
import type { MeetingViews } from '../meetings/meetingViews';
import { canPlayRecording } from '../meetings/rights';
import type { OrgTree } from '../orgTree/orgTree';
import type { RecordingStore, StoredRecording } from '../recordings/recordingStore';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * /occurrences/:id/recordings, /recordings/:id and its files. Whoever sees the
 * occurrence learns that a recording exists; only the host's tier and above
 * and the emergency command get its content. Every playback and download is
 * written to the audit log.
 */
export function recordingRoutes(deps: {
  tree: OrgTree;
  views: MeetingViews;
  store: RecordingStore;
  audit: AuditLog;
  sessions: SessionVerifier;
}): Router {
  const { tree, views, store, audit } = deps;
  const router = express.Router();
  router.use(['/recordings', '/occurrences/:id/recordings'], requireSession(deps.sessions));

  const summary = (s: SessionClaims, r: StoredRecording): RecordingSummary => ({
    id: r.id,
    meetingId: r.meetingId,
    occurrenceId: r.occurrenceId,
    title: r.title,
    startedAt: iso(r.startedAt)!,
    stoppedAt: iso(r.stoppedAt),
    status: r.status,
    mayPlay: canPlayRecording(tree, s, r.hostUnitId),
  });

  const detail = async (s: SessionClaims, r: StoredRecording): Promise<RecordingDetail> => {
    const timeline = await store.timeline(r.id);
    const endMs = r.durationMs || Date.now() - r.startedAt;
    const name = (unitId: string) => tree.get(unitId)?.name ?? unitId;
    return {
      ...summary(s, r),
      durationMs: r.durationMs,
      stopReason: r.stopReason,
      segments: r.segments,
      auto: r.auto,
      startedBy: r.startedBy,
      mix: r.mix,
      tracks: r.tracks.map((t) => ({
        file: t.file,
        unitId: t.unitId,
        unitName: name(t.unitId),
        segment: t.segment,
        offsetMs: t.offsetMs,
        endMs: t.endMs,
        bytes: t.bytes,
        state: t.state,
      })),
      timeline,
      speakers: speakerTurns(timeline, endMs),
    };
  };

  /** The recording if the session sees its occurrence (else NOT_FOUND, leaking nothing). */
  const visible = async (req: Request): Promise<StoredRecording> => {
    const rec = await store.get(req.params.id as string);
    if (!rec) throw new AppError('NOT_FOUND');
    views.slot(sessionOf(req), rec.occurrenceId);
    return rec;
  };
  const playable = async (req: Request): Promise<StoredRecording> => {
    const rec = await visible(req);
    if (!canPlayRecording(tree, sessionOf(req), rec.hostUnitId)) throw new AppError('FORBIDDEN');
    return rec;
  };

  router.get('/occurrences/:id/recordings', async (req, res) => {
    const session = sessionOf(req);
    const occurrenceId = req.params.id as string;
    views.slot(session, occurrenceId);
    const recs = await store.ofOccurrence(occurrenceId);
    const body: OccurrenceRecordings = {
      occurrenceId,
      recordings: await Promise.all(
        recs.map((r) =>
          canPlayRecording(tree, session, r.hostUnitId) ? detail(session, r) : summary(session, r),
        ),
      ),
    };
    res.json(body);
  });

  router.get('/recordings/:id', async (req, res) => {
    const rec = await playable(req);
    res.json(await detail(sessionOf(req), rec));
  });

  router.get('/recordings/:id/file/:file', async (req, res) => {
    const rec = await playable(req);
    const { download } = parseOrThrow(recordingFileQuerySchema, req.query);
    const file = req.params.file as string;
    const known =
      file === 'minutes.json' || rec.mix?.file === file || rec.tracks.some((t) => t.file === file);
    if (!known || !/^[A-Za-z0-9_.-]+$/.test(file)) throw new AppError('NOT_FOUND');
    const range = req.headers.range;
    // A player fetches ranges as it seeks: one playback is the request from the start.
    if (download === '1' || !range || /^bytes=0-/.test(range)) {
      await audit.record(
        sessionOf(req),
        download === '1' ? 'recording.download' : 'recording.play',
        rec.id,
        { file, meetingId: rec.meetingId, occurrenceId: rec.occurrenceId },
      );
    }
    if (download === '1') res.attachment(`ghi-am-${rec.occurrenceId}-${file}`);
    res.type(file.endsWith('.json') ? 'application/json' : 'audio/ogg');
    await new Promise<void>((resolve, reject) => {
      res.sendFile(path.join(store.root, rec.id, file), { acceptRanges: true }, (err) => {
        if (!err) resolve();
        else if ((err as NodeJS.ErrnoException).code === 'ENOENT')
          reject(new AppError('NOT_FOUND'));
        else if (res.headersSent) resolve();
        else reject(err);
      });
    });
  });

  return router;
}
