/**
 * G.711 A-law (ITU-T G.711, the Vietnamese PSTN's codec) for 16-bit PCM:
 * the classic segment encoding, with a 64 KiB encode table and a 256-entry
 * decode table built once.
 */
function encodeSample(pcm: number): number {
  let sign = 0;
  let s = pcm >> 3; // 13-bit magnitude
  if (s < 0) {
    s = -s - 1;
    sign = 0x80;
  }
  let seg = 0;
  for (let v = s >> 5; v > 0 && seg < 8; v >>= 1) seg++;
  let out: number;
  if (seg >= 8) out = 0x7f;
  else if (seg < 2) out = (seg << 4) | ((s >> 1) & 0x0f);
  else out = (seg << 4) | ((s >> seg) & 0x0f);
  return (out | (sign ^ 0x80)) ^ 0x55;
}

function decodeSample(a: number): number {
  const v = a ^ 0x55;
  const seg = (v & 0x70) >> 4;
  let t = (v & 0x0f) << 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return v & 0x80 ? t : -t;
}

const ENCODE = new Uint8Array(65536);
for (let i = 0; i < 65536; i++) ENCODE[i] = encodeSample(i - 32768);
const DECODE = new Int16Array(256);
for (let i = 0; i < 256; i++) DECODE[i] = decodeSample(i);
export function alawEncode(pcm: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = ENCODE[pcm[i]! + 32768]!;
  return out;
}

export function alawDecode(alaw: Uint8Array): Int16Array {
  const out = new Int16Array(alaw.length);
  for (let i = 0; i < alaw.length; i++) out[i] = DECODE[alaw[i]!]!;
  return out;
}
