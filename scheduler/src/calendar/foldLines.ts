/**
 * RFC 5545 §3.1: content lines longer than 75 octets are folded (CRLF and a
 * space), never inside a UTF-8 character. Same output as ical-generator's
 * `foldLines`, which allocates a TextEncoder per character.
 */
export function foldLines(text: string): string {
  return text
    .split('\r\n')
    .map((line) => (Buffer.byteLength(line) <= 75 ? line : foldLine(line)))
    .join('\r\n');
}

function foldLine(line: string): string {
  let out = '';
  let octets = 0;
  for (const ch of line) {
    const cp = ch.codePointAt(0) as number;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    octets += size;
    if (octets > 74) {
      out += '\r\n ';
      octets = size;
    }
    out += ch;
  }
  return out;
}
