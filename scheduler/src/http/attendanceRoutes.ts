import express, { type Router } from 'express';
import type { SessionVerifier } from '@giaoban/common/ports';
import { attendanceCsv, attendanceReport } from '../attendance/attendanceReport';
import type { AttendanceStore } from '../attendance/attendanceStore';
import { requireSession, sessionOf } from '../auth/middleware';
import type { MeetingViews } from '../meetings/meetingViews';
import type { OrgTree } from '../orgTree/orgTree';

/** GET /attendance/:occurrenceId (JSON) and /attendance/:occurrenceId/csv. */
export function attendanceRoutes(deps: {
  tree: OrgTree;
  store: AttendanceStore;
  views: MeetingViews;
  sessions: SessionVerifier;
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
    res.send(attendanceCsv(body));
  });
  return router;
}
