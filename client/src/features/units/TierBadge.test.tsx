import '../../test/setup';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from '@testing-library/react';
import i18next from 'i18next';
import type { Tier } from '@giaoban/scheduler/api/units';
import { TierBadge } from './TierBadge';

const commune: Tier = { id: 'commune', name: 'Xã', level: 3 };
const district: Tier = { id: 'district', name: 'Huyện', level: 2 };
const badge = (el: HTMLElement) => el.querySelector('.tier-badge') as HTMLElement;

describe('TierBadge', () => {
  afterEach(() => void i18next.changeLanguage('vi'));

  it('names wards, townships and cities by their own type, coloured by tier', () => {
    const cases: [string, Tier, string][] = [
      ['Phường', commune, 'Phường'],
      ['Thị trấn', commune, 'Thị trấn'],
      ['Xã', commune, 'Xã'],
      ['Thành Phố', district, 'Thành phố'],
      ['Thị xã', district, 'Thị xã'],
      ['Huyện', district, 'Huyện'],
    ];
    for (const [type, tier, label] of cases) {
      const { container, unmount } = render(<TierBadge tier={tier} unitType={type} />);
      expect(badge(container).textContent, type).toBe(label);
      expect(badge(container).className).toContain(`tier-${tier.id}`);
      unmount();
    }
    const { container } = render(<TierBadge tier={commune} unitType="Phường" />);
    expect(badge(container).title).toBe('Phường · Xã');
  });

  it('translates the types to English', async () => {
    await i18next.changeLanguage('en');
    const { container } = render(<TierBadge tier={commune} unitType="Phường" />);
    expect(badge(container).textContent).toBe('Ward');
    const town = render(<TierBadge tier={commune} unitType="Thị trấn" />);
    expect(badge(town.container).textContent).toBe('Township');
  });

  it('shows a type it does not know as written, and the tier when there is no type', () => {
    const { container } = render(<TierBadge tier={commune} unitType="Đơn vị thử" />);
    expect(badge(container).textContent).toBe('Đơn vị thử');
    const plain = render(<TierBadge tier={undefined} tierId="commune" />);
    expect(badge(plain.container).textContent).toBe('Xã');
  });
});
