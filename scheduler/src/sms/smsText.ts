/**
 * The alert SMS: Vietnamese, so UCS2 (data_coding 8, UTF-16BE). One part holds 70
 * characters; a longer text is sent as up to MAX_PARTS concatenated parts (a 6-byte
 * UDH with an 8-bit reference each, 67 characters per part) and the meeting's title
 * is shortened (…) so the dial-in number and the PIN always fit.
 */
export const SINGLE_PART_CHARS = 70;
export const CONCAT_PART_CHARS = 67;
export const MAX_PARTS = 3;

export interface AlertSmsInput {
  title: string;
  /** The number callers dial (PHONE_SIP_NUMBER); null: no phone bridge configured. */
  dialIn: string | null;
  pin: string;
}

/** "KHẨN CẤP: <title>. Gọi <number>, nhập mã PIN <pin> rồi bấm #." within MAX_PARTS parts. */
export function alertSmsText({ title, dialIn, pin }: AlertSmsInput): string {
  const head = 'KHẨN CẤP: ';
  const tail = dialIn
    ? `. Gọi ${dialIn}, nhập mã PIN ${pin} rồi bấm # để vào họp.`
    : '. Hãy mở GiaoBan để vào họp ngay.';
  const clean = title.normalize('NFC').replace(/\s+/g, ' ').trim();
  const budget = MAX_PARTS * CONCAT_PART_CHARS - head.length - tail.length;
  const fitted = clean.length <= budget ? clean : `${cutAt(clean, budget - 1)}…`;
  return head + fitted + tail;
}

/** Cuts a string to at most n UTF-16 code units without splitting a surrogate pair. */
function cutAt(s: string, n: number): string {
  let end = Math.min(n, s.length);
  if (end > 0 && end < s.length && isHighSurrogate(s.charCodeAt(end - 1))) end--;
  return s.slice(0, end);
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;

export interface SmsPart {
  /** short_message bytes: UDH (when concatenated) then UTF-16BE text. */
  bytes: Buffer;
  /** esm_class: 0x40 (UDH indicator) for a concatenated part. */
  esmClass: number;
}

/** The text as submit_sm short_messages: one part, or concatenated parts sharing `ref`. */
export function ucs2Parts(text: string, ref: number): SmsPart[] {
  const units = text.normalize('NFC');
  if (units.length <= SINGLE_PART_CHARS) return [{ bytes: utf16be(units), esmClass: 0 }];
  const chunks: string[] = [];
  let rest = units;
  while (rest.length > 0) {
    const piece = cutAt(rest, CONCAT_PART_CHARS);
    chunks.push(piece);
    rest = rest.slice(piece.length);
  }
  if (chunks.length > 255) throw new Error('SMS too long');
  return chunks.map((c, i) => ({
    bytes: Buffer.concat([
      Buffer.from([0x05, 0x00, 0x03, ref & 0xff, chunks.length, i + 1]),
      utf16be(c),
    ]),
    esmClass: 0x40,
  }));
}

function utf16be(s: string): Buffer {
  const le = Buffer.from(s, 'utf16le');
  return le.swap16();
}
