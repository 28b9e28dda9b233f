import { describe, expect, it } from 'vitest';
import { quangBinhUnitsResponse } from '../../test/fixtures';
import { foldText } from './foldText';
import { indexUnits, subtree, unitPath } from './unitsStore';

describe('units index', () => {
  const index = indexUnits(quangBinhUnitsResponse());

  it('indexes all 161 units of Quảng Bình', () => {
    expect(index.byId.size).toBe(161);
  });

  it('gives a commune its path from the top', () => {
    expect(unitPath(index, '18853').map((u) => u.id)).toEqual(['VN', '44', '450', '18853']);
  });

  it('lists a district subtree', () => {
    const ids = subtree(index, '452').map((u) => u.id);
    expect(ids[0]).toBe('452');
    expect(ids).toHaveLength(16);
    expect(ids).not.toContain('18853');
  });

  it('folds Vietnamese tone marks for search', () => {
    expect(foldText('Huyện Minh Hóa')).toBe('huyen minh hoa');
    expect(foldText('Đồng Hới')).toBe('dong hoi');
  });
});
