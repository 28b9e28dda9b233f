import { useTranslation } from 'react-i18next';
import type { Tier } from '@giaoban/scheduler/api/units';

const knownTiers = ['central', 'province', 'district', 'commune'] as const;
type KnownTier = (typeof knownTiers)[number];
const isKnown = (id: string): id is KnownTier => (knownTiers as readonly string[]).includes(id);

/** The tier's name: translated for the tiers we know, the data's own name otherwise (tiers are data). */
export function useTierName() {
  const { t } = useTranslation();
  return (tier: Tier | undefined, fallbackId?: string) => {
    const id = tier?.id ?? fallbackId ?? '';
    if (isKnown(id)) return t(`tier.${id}`);
    return tier?.name ?? id;
  };
}

export function TierBadge({ tier, tierId }: { tier: Tier | undefined; tierId?: string }) {
  const name = useTierName()(tier, tierId);
  return <span className={`tier-badge tier-${tier?.id ?? tierId ?? 'x'}`}>{name}</span>;
}
