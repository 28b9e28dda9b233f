import { useTranslation } from 'react-i18next';
import type { Tier } from '@giaoban/scheduler/api/units';
import { foldText } from './foldText';

const knownTiers = ['central', 'province', 'district', 'commune'] as const;
type KnownTier = (typeof knownTiers)[number];
const isKnown = (id: string): id is KnownTier => (knownTiers as readonly string[]).includes(id);

/**
 * Administrative types of the GSO list (folded) → translation keys. A ward
 * (phường) or township (thị trấn) is of the commune tier, a city (thành phố)
 * of the district tier, but people call them by their own name.
 */
const unitTypeKeys = {
  'trung uong': 'central',
  tinh: 'province',
  'thanh pho': 'city',
  'thi xa': 'town',
  huyen: 'district',
  quan: 'urbanDistrict',
  xa: 'commune',
  phuong: 'ward',
  'thi tran': 'township',
  'dac khu': 'specialZone',
} as const;
type UnitTypeKey = (typeof unitTypeKeys)[keyof typeof unitTypeKeys];

function unitTypeKey(type: string): UnitTypeKey | undefined {
  const folded = foldText(type);
  return folded in unitTypeKeys ? unitTypeKeys[folded as keyof typeof unitTypeKeys] : undefined;
}

/** The tier's name: translated for the tiers we know, the data's own name otherwise (tiers are data). */
export function useTierName() {
  const { t } = useTranslation();
  return (tier: Tier | undefined, fallbackId?: string) => {
    const id = tier?.id ?? fallbackId ?? '';
    if (isKnown(id)) return t(`tier.${id}`);
    return tier?.name ?? id;
  };
}

/** What a unit is called: its administrative type (Phường, Thị trấn…), else its tier's name. */
export function useUnitKindName() {
  const { t } = useTranslation();
  const tierName = useTierName();
  return (unitType: string | undefined, tier: Tier | undefined, tierId?: string) => {
    if (unitType) {
      const key = unitTypeKey(unitType);
      return key ? t(`unitType.${key}`) : unitType;
    }
    return tierName(tier, tierId);
  };
}

/**
 * The unit's badge: the label of its own type (a ward says "Phường"), the
 * colour of its tier (rights follow the tier, which stays 'commune').
 */
export function TierBadge({
  tier,
  tierId,
  unitType,
}: {
  tier: Tier | undefined;
  tierId?: string;
  /** The unit's administrative type from the data (Unit.type). */
  unitType?: string;
}) {
  const name = useUnitKindName()(unitType, tier, tierId);
  const tierName = useTierName()(tier, tierId);
  const id = tier?.id ?? tierId ?? 'x';
  return (
    <span
      className={`tier-badge tier-${id}`}
      title={name === tierName ? undefined : `${name} · ${tierName}`}
    >
      {name}
    </span>
  );
}
