import express, { type Router } from 'express';
import { parseOrThrow } from '@giaoban/common/errors';
import type { SessionVerifier } from '@giaoban/common/ports';
import {
  ackRequestSchema,
  conveneRequestSchema,
  type ConveneResponse,
  type EmergenciesResponse,
  type RealertResponse,
} from '../api/emergency';
import { requireSession, sessionOf } from '../auth/middleware';
import type { EmergencyService } from '../emergency/emergencyService';
import { isManager } from '../meetings/rights';

/** /emergencies: convene, list, roll call, acknowledge, alert the silent again, end. */
export function emergencyRoutes(deps: {
  emergencies: EmergencyService;
  sessions: SessionVerifier;
}): Router {
  const { emergencies } = deps;
  const router = express.Router();
  router.use('/emergencies', requireSession(deps.sessions));

  router.post('/emergencies', async (req, res) => {
    const body = parseOrThrow(conveneRequestSchema, req.body);
    const out: ConveneResponse = await emergencies.convene(sessionOf(req), body);
    res.status(201).json(out);
  });

  router.get('/emergencies', async (req, res) => {
    const out: EmergenciesResponse = { emergencies: await emergencies.list(sessionOf(req)) };
    res.json(out);
  });

  /** The roll call; a member of an invited unit sees its own line only. */
  router.get('/emergencies/:id', async (req, res) => {
    const session = sessionOf(req);
    const emergency = await emergencies.visible(session, req.params.id);
    const rollCall = await emergencies.rollCall(emergency.id);
    if (!isManager(session))
      rollCall.units = rollCall.units.filter((u) => u.unitId === session.unitId);
    res.json({ emergency, rollCall });
  });

  router.post('/emergencies/:id/ack', async (req, res) => {
    const body = parseOrThrow(ackRequestSchema, req.body);
    await emergencies.ack(sessionOf(req), req.params.id, body.stage);
    res.status(204).end();
  });

  router.post('/emergencies/:id/realert', async (req, res) => {
    const out: RealertResponse = await emergencies.realert(sessionOf(req), req.params.id);
    res.json(out);
  });

  router.post('/emergencies/:id/end', async (req, res) => {
    res.json({ emergency: await emergencies.end(sessionOf(req), req.params.id) });
  });

  return router;
}
