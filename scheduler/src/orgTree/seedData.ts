import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Tier, Unit } from '../api/units';

const gsoUnit = z.object({ id: z.string(), name: z.string(), type: z.string() });
const gsoFile = z.object({
  central: gsoUnit,
  province: gsoUnit,
  districts: z.array(gsoUnit.extend({ communes: z.array(gsoUnit) })),
});

export const defaultTiers: Tier[] = [
  { id: 'central', name: 'Trung ương', level: 0 },
  { id: 'province', name: 'Tỉnh', level: 1 },
  { id: 'district', name: 'Huyện', level: 2 },
  { id: 'commune', name: 'Xã', level: 3 },
];

/** Mountain districts whose communes start with a poor link profile (audio-only first). */
export const poorLinkDistricts = new Set(['453' /* Tuyên Hóa */, '452' /* Minh Hóa */]);

const dataFile = new URL('../../data/quang-binh-units.json', import.meta.url);

/** The Quảng Bình org tree (GSO codes, before the 2025 reform) as a flat unit list. */
export function quangBinhUnits(): Unit[] {
  const data = gsoFile.parse(JSON.parse(readFileSync(dataFile, 'utf8')));
  const units: Unit[] = [
    { ...data.central, tier: 'central', parentId: null, linkProfile: 'good' },
    { ...data.province, tier: 'province', parentId: data.central.id, linkProfile: 'good' },
  ];
  for (const d of data.districts) {
    units.push({
      id: d.id,
      name: d.name,
      type: d.type,
      tier: 'district',
      parentId: data.province.id,
      linkProfile: 'good',
    });
    for (const c of d.communes) {
      units.push({
        ...c,
        tier: 'commune',
        parentId: d.id,
        linkProfile: poorLinkDistricts.has(d.id) ? 'poor' : 'good',
      });
    }
  }
  return units;
}
