import express, { type Router } from 'express';
import { z } from 'zod';
import { AppError, parseOrThrow, zodDetails } from '@giaoban/common/errors';
import type { SessionVerifier } from '@giaoban/common/ports';
import type { AuditResponse } from '../api/audit';
import { updateUnitPhonesRequestSchema, type UnitPhones } from '../api/phone';
import { updateUnitRequestSchema } from '../api/units';
import type { AuditLog } from '../audit/auditLog';
import { requireRole, requireSession, sessionOf } from '../auth/middleware';
import type { OrgTree } from '../orgTree/orgTree';
import type { UnitEscalationDelays, UnitPhoneBook } from '../phone/unitPhones';

/** Admin and command tools: unit edits (admin) and the audit log (admin, commander). */
export function adminRoutes(deps: {
  tree: OrgTree;
  audit: AuditLog;
  sessions: SessionVerifier;
  phones: UnitPhoneBook;
  delays: UnitEscalationDelays;
  /** SMS_ESCALATE_AFTER_MIN, and whether SMS are sent at all (SMPP_URL). */
  sms: { defaultAfterMin: number; enabled: boolean };
  /** Other processes reload their org tree. */
  onUnitChanged(unitId: string): void;
}): Router {
  const router = express.Router();
  const auth = requireSession(deps.sessions);

  router.patch('/units/:id', auth, requireRole('admin'), async (req, res) => {
    const body = parseOrThrow(updateUnitRequestSchema, req.body);
    const unit = deps.tree.get(req.params.id as string);
    if (!unit) throw new AppError('NOT_FOUND');
    const updated = { ...unit, ...body };
    await deps.tree.saveUnit(updated);
    deps.onUnitChanged(updated.id);
    await deps.audit.record(sessionOf(req), 'unit.update', unit.id, body);
    res.json({ unit: updated });
  });

  // A unit's phone numbers (alert SMS, dial-out) and escalation delay: admin only; the
  // audit keeps how many numbers, never which.
  const view = async (unitId: string): Promise<UnitPhones> => ({
    unitId,
    numbers: await deps.phones.get(unitId),
    escalateAfterMin: await deps.delays.get(unitId),
    defaultEscalateAfterMin: deps.sms.defaultAfterMin,
    smsEnabled: deps.sms.enabled,
  });
  router.get('/units/:id/phones', auth, requireRole('admin'), async (req, res) => {
    const unitId = req.params.id as string;
    if (!deps.tree.get(unitId)) throw new AppError('NOT_FOUND');
    res.json(await view(unitId));
  });

  router.put('/units/:id/phones', auth, requireRole('admin'), async (req, res) => {
    const unitId = req.params.id as string;
    if (!deps.tree.get(unitId)) throw new AppError('NOT_FOUND');
    const parsed = updateUnitPhonesRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const onNumbers = parsed.error.issues.some((i) => i.path[0] === 'numbers');
      throw new AppError(
        onNumbers ? 'PHONE_NUMBER_INVALID' : 'BAD_REQUEST',
        zodDetails(parsed.error),
      );
    }
    const { numbers, escalateAfterMin } = parsed.data;
    await deps.phones.set(unitId, numbers);
    if (escalateAfterMin !== undefined) await deps.delays.set(unitId, escalateAfterMin);
    await deps.audit.record(sessionOf(req), 'unit.phones', unitId, {
      count: numbers.length,
      ...(escalateAfterMin !== undefined ? { escalateAfterMin } : {}),
    });
    res.json(await view(unitId));
  });

  router.get('/audit', auth, requireRole('admin', 'commander'), async (req, res) => {
    const { limit } = parseOrThrow(
      z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }),
      req.query,
    );
    const out: AuditResponse = { entries: await deps.audit.recent(limit) };
    res.json(out);
  });
  return router;
}
