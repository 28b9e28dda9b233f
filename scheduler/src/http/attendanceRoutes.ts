import express, { type Router } from 'express';
import type { SessionVerifier } from '@giaoban/common/ports';
import { attendanceCsv, attendanceReport } from '../attendance/attendanceReport';
import type { AttendanceStore } from '../attendance/attendanceStore';
import { requireSession, sessionOf } from '../auth/middleware';
import type { MeetingViews } from '../meetings/meetingViews';
import type { OrgTree } from '../orgTree/orgTree';
import { canPlayRecording } from '../meetings/rights';
import { minutesCsv } from '../recordings/minutesCsv';
import type { RecordingStore } from '../recordings/recordingStore';

/** GET /attendance/:occurrenceId (JSON) and /attendance/:occurrenceId/csv. */
export function attendanceRoutes(deps: {
  tree: OrgTree;
  store: AttendanceStore;
  views: MeetingViews;
  sessions: SessionVerifier;
  /** `?minutes=1` appends the minutes of the recordings the reader may play. */
  recordings?: RecordingStore;
}): Router {
  const router = express.Router();
  router.use('/attendance', requireSession(deps.sessions));
  const report = async (req: express.Request) => {
    const session = sessionOf(req);
    const slot = deps.views.slot(session, req.params.id as string);
    await deps.store.flush();
    return attendanceReport(deps.tree, deps.store, slot, session);
  };
  router.get('/attendance/:id', async (req, res) => {
    res.json(await report(req));
  });
  router.get('/attendance/:id/csv', async (req, res) => {
    const body = await report(req);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader(
      'content-disposition',
      `attachment; filename="diem-danh-${body.occurrenceId}.csv"`,
    );
    let csv = attendanceCsv(body);
    if (req.query.minutes === '1' && deps.recordings) {
      const session = sessionOf(req);
      const recs = (await deps.recordings.ofOccurrence(body.occurrenceId)).filter((r) =>
        canPlayRecording(deps.tree, session, r.hostUnitId),
      );
      const withTimelines = await Promise.all(
        recs.map(async (r) => ({ id: r.id, timeline: await deps.recordings!.timeline(r.id) })),
      );
      csv += `\r\n${minutesCsv(withTimelines)}`;
    }
    res.send(csv);
  });
  return router;
}
