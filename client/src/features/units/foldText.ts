/**
 * Vietnamese text folded for search: lower case, no tone marks, đ → d, so that
 * "quang trach", "Quảng Trạch" and "QUANG TRẠCH" all match.
 */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .trim();
}
