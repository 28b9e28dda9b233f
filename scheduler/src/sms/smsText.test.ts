import { describe, expect, it } from 'vitest';
import { parseReceipt } from './deliveryReceipt';
import { alertSmsText, CONCAT_PART_CHARS, MAX_PARTS, ucs2Parts } from './smsText';

const decode = (b: Buffer) => Buffer.from(b).swap16().toString('utf16le');

describe('alert SMS text (UCS2, concatenated parts)', () => {
  it('says the title, the number and the PIN; a short one is one part without UDH', () => {
    const text = alertSmsText({ title: 'Lũ', dialIn: '0232', pin: '123456' });
    expect(text).toBe('KHẨN CẤP: Lũ. Gọi 0232, nhập mã PIN 123456 rồi bấm # để vào họp.');
    const parts = ucs2Parts('Lũ quét', 7);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.esmClass).toBe(0);
    expect(decode(parts[0]!.bytes)).toBe('Lũ quét');
  });

  it('splits a long text into parts with the concatenation UDH and shortens a long title', () => {
    const title = 'Sạt lở đất nghiêm trọng '.repeat(20);
    const text = alertSmsText({ title, dialIn: '02323822999', pin: '654321' });
    expect(text.length).toBeLessThanOrEqual(MAX_PARTS * CONCAT_PART_CHARS);
    expect(text).toContain('…');
    expect(text).toContain('PIN 654321');
    const parts = ucs2Parts(text, 0xab);
    expect(parts).toHaveLength(MAX_PARTS);
    parts.forEach((p, i) => {
      expect(p.esmClass).toBe(0x40);
      expect([...p.bytes.subarray(0, 6)]).toEqual([5, 0, 3, 0xab, MAX_PARTS, i + 1]);
      expect(p.bytes.length - 6).toBeLessThanOrEqual(CONCAT_PART_CHARS * 2);
    });
    expect(parts.map((p) => decode(p.bytes.subarray(6))).join('')).toBe(text);
  });

  it('never splits a surrogate pair', () => {
    const text = 'a'.repeat(66) + '🌊' + 'b'.repeat(10);
    const parts = ucs2Parts(text, 1);
    expect(parts.map((p) => decode(p.bytes.subarray(6))).join('')).toBe(text);
    expect(decode(parts[0]!.bytes.subarray(6))).toBe('a'.repeat(66));
  });
});

describe('delivery receipts', () => {
  it('reads the TLVs, else the receipt text; ignores what is not a receipt', () => {
    expect(
      parseReceipt({
        esm_class: 4,
        receipted_message_id: 'm7',
        message_state: 2,
        short_message: {},
      }),
    ).toEqual({ messageId: 'm7', state: 'DELIVRD', delivered: true });
    expect(
      parseReceipt({
        esm_class: 4,
        short_message: {
          message:
            'id:abc sub:001 dlvrd:000 submit date:2612071500 done date:2612071501 stat:UNDELIV err:001 text:',
        },
      }),
    ).toEqual({ messageId: 'abc', state: 'UNDELIV', delivered: false });
    expect(
      parseReceipt({ esm_class: 0, short_message: { message: 'id:x stat:DELIVRD' } }),
    ).toBeNull();
  });
});
