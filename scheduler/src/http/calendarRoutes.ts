import express, { type Router } from 'express';
import { AppError } from '@giaoban/common/errors';
import type { SessionVerifier } from '@giaoban/common/ports';
import type { CalendarLinkResponse } from '../api/units';
import { requireSession, sessionOf } from '../auth/middleware';
import type { CalendarFeed } from '../calendar/calendarFeed';
import { inReach } from '../meetings/rights';
import type { OrgTree } from '../orgTree/orgTree';

/** The unit's secret calendar link (authenticated) and the feed itself (by token). */
export function calendarRoutes(deps: {
  tree: OrgTree;
  feed: CalendarFeed;
  sessions: SessionVerifier;
  publicUrl?: string;
}): Router {
  const router = express.Router();
  const auth = requireSession(deps.sessions);

  const link = async (req: express.Request, rotate: boolean): Promise<CalendarLinkResponse> => {
    const session = sessionOf(req);
    const unitId = req.params.id as string;
    if (!deps.tree.get(unitId)) throw new AppError('NOT_FOUND');
    if (unitId !== session.unitId && !inReach(deps.tree, session, unitId))
      throw new AppError('FORBIDDEN');
    const token = rotate ? await deps.feed.rotate(unitId) : await deps.feed.token(unitId);
    const base = deps.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    return { unitId, url: `${base.replace(/\/$/, '')}/api/calendar/${token}.ics` };
  };
  router.get('/units/:id/calendar', auth, async (req, res) => {
    res.json(await link(req, false));
  });
  router.post('/units/:id/calendar/rotate', auth, async (req, res) => {
    res.json(await link(req, true));
  });

  router.get('/calendar/:file', async (req, res) => {
    const token = /^(.+)\.ics$/.exec(req.params.file)?.[1];
    const unitId = token ? await deps.feed.unitOf(token) : undefined;
    if (!unitId) throw new AppError('NOT_FOUND');
    res.setHeader('content-type', 'text/calendar; charset=utf-8');
    res.setHeader('cache-control', 'private, max-age=300');
    res.send(await deps.feed.cached(unitId));
  });
  return router;
}
