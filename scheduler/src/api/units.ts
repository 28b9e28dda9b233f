import { z } from 'zod';
import { freeText } from '@giaoban/common/text';

/** REST contract of the org tree, imported by the client. */
export const tierSchema = z.object({
  id: z.string().min(1).max(32),
  name: z.string().min(1).max(64),
  /** 0 = top of the tree. Tiers are data: a three-tier tree needs no code change. */
  level: z.number().int().min(0).max(10),
});
export type Tier = z.infer<typeof tierSchema>;

export const linkProfileSchema = z.enum(['good', 'poor']);
export type LinkProfile = z.infer<typeof linkProfileSchema>;

export const unitSchema = z.object({
  /** GSO code (VN for the central government). */
  id: z.string().regex(/^[A-Z0-9]{1,10}$/),
  name: z.string().min(1).max(120),
  /** Administrative type as written in the GSO list: Tỉnh, Huyện, Xã, Phường… */
  type: z.string().max(40),
  tier: z.string(),
  parentId: z.string().nullable(),
  linkProfile: linkProfileSchema,
});
export type Unit = z.infer<typeof unitSchema>;

export type UnitNode = Unit & { children: UnitNode[] };

export const unitsResponseSchema = z.object({
  tiers: z.array(tierSchema),
  tree: z.custom<UnitNode>(),
  count: z.number().int(),
});
export type UnitsResponse = z.infer<typeof unitsResponseSchema>;

/** Admin edit of a unit: its name and link profile (tier and parent are structural). */
export const updateUnitRequestSchema = z
  .object({ name: freeText({ min: 1, max: 120 }), linkProfile: linkProfileSchema })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type UpdateUnitRequest = z.infer<typeof updateUnitRequestSchema>;

/** The unit's secret iCal subscription URL. */
export const calendarLinkResponseSchema = z.object({ unitId: z.string(), url: z.string() });
export type CalendarLinkResponse = z.infer<typeof calendarLinkResponseSchema>;
