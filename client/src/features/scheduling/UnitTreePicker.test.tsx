import '../../test/setup';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { quangBinhUnitsResponse } from '../../test/fixtures';
import { indexUnits } from '../units/unitsStore';
import { UnitTreePicker } from './UnitTreePicker';

const index = indexUnits(quangBinhUnitsResponse());

function Harness({ scopeId }: { scopeId: string }) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  return (
    <>
      <UnitTreePicker
        index={index}
        scopeId={scopeId}
        selected={selected}
        onChange={setSelected}
        label="Đơn vị được mời"
      />
      <output data-testid="selected">{[...selected].sort().join(',')}</output>
    </>
  );
}

const selected = () => screen.getByTestId('selected').textContent?.split(',').filter(Boolean) ?? [];

describe('UnitTreePicker', () => {
  it('selects all communes of a district in one click, and unselects them', () => {
    render(<Harness scopeId="452" />);
    fireEvent.click(screen.getByRole('button', { name: /Chọn tất cả 15 xã của Huyện Minh Hóa/ }));
    expect(selected()).toHaveLength(15);
    expect(selected()).not.toContain('452');
    fireEvent.click(screen.getByRole('button', { name: /Bỏ chọn các xã của Huyện Minh Hóa/ }));
    expect(selected()).toEqual([]);
  });

  it('finds a unit without tone marks and ticks it', () => {
    render(<Harness scopeId="44" />);
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'dan hoa' } });
    const results = screen.getByRole('list', { name: 'Kết quả tìm kiếm' });
    const box = within(results).getByRole('checkbox', { name: /Xã Dân Hóa/ });
    fireEvent.click(box);
    expect(selected()).toEqual(['18904']);
  });

  it('offers only units inside the host scope', () => {
    render(<Harness scopeId="452" />);
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'Hải Thành' } });
    expect(screen.getByText('Không có đơn vị nào khớp.')).toBeTruthy();
  });
});
