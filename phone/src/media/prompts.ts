import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Vietnamese voice prompts a caller hears (espeak-ng's Vietnamese voice). */
export const promptTexts = {
  welcome:
    'Xin chào. Đây là hệ thống giao ban trực tuyến. Vui lòng nhập mã PIN của đơn vị, rồi bấm phím thăng.',
  wrongPin: 'Mã PIN không đúng. Vui lòng nhập lại.',
  goodbye: 'Mã PIN không đúng. Xin tạm biệt.',
  joining: 'Đang vào cuộc họp.',
  muted: 'Chủ tọa đã tắt micro của bạn.',
  ended: 'Cuộc họp đã kết thúc. Xin tạm biệt.',
  /** Dial-out when the meeting's own sentence cannot be spoken (no espeak-ng at run time). */
  dialOut: 'Đây là cuộc gọi từ hệ thống giao ban. Bấm phím một để vào cuộc họp.',
  /** Dial-out, after "Cuộc họp … của … đang diễn ra." (spoken per meeting, `speak`). */
  pressOne: 'Bấm phím một để vào họp.',
  /** Dial-out answered, then no longer needed (the unit acknowledged or joined in the app). */
  notNeeded: 'Đơn vị đã xác nhận qua ứng dụng. Cuộc gọi kết thúc. Xin cảm ơn.',
} as const;
export type PromptName = keyof typeof promptTexts;
export type Prompts = Record<PromptName, Buffer>;

/** Where `npm ci` → infra/install.sh generates them (gitignored). */
export const defaultPromptDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../prompts',
);

/**
 * Generates the prompts once: espeak-ng (Vietnamese) to WAV, ffmpeg to raw
 * G.711 A-law at 8 kHz, the payload the calls send as it is. Existing files are kept.
 */
export async function buildPrompts(
  dir = defaultPromptDir,
  tools = { espeak: 'espeak-ng', ffmpeg: 'ffmpeg' },
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const made: string[] = [];
  for (const [name, text] of Object.entries(promptTexts)) {
    const out = path.join(dir, `${name}.alaw`);
    if (
      await stat(out).then(
        (s) => s.size > 0,
        () => false,
      )
    )
      continue;
    await synthesize(text, out, tools);
    made.push(name);
  }
  return made;
}

/** One sentence → raw A-law 8 kHz at `out` (espeak-ng's Vietnamese voice, then ffmpeg). */
async function synthesize(
  text: string,
  out: string,
  tools = { espeak: 'espeak-ng', ffmpeg: 'ffmpeg' },
): Promise<void> {
  const wav = `${out}.${process.pid}.wav`;
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    await run(tools.espeak, ['-v', 'vi', '-s', '150', '-w', wav, text]);
    await run(tools.ffmpeg, [
      ...['-v', 'error', '-y', '-i', wav],
      ...['-ar', '8000', '-ac', '1', '-f', 'alaw', tmp],
    ]);
    await rename(tmp, out);
  } finally {
    await rm(wav, { force: true });
    await rm(tmp, { force: true });
  }
}

/**
 * A sentence made at run time (dial-out: "Cuộc họp <title> của <unit> đang
 * diễn ra."), spoken like the fixed prompts and kept in `dir` by its text's hash.
 */
export async function speak(text: string, dir = defaultPromptDir): Promise<Buffer> {
  const name = createHash('sha1').update(text).digest('hex').slice(0, 16);
  const out = path.join(dir, 'spoken', `${name}.alaw`);
  const cached = await readFile(out).catch(() => null);
  if (cached && cached.length > 0) return cached;
  await mkdir(path.dirname(out), { recursive: true });
  await synthesize(text, out);
  return readFile(out);
}

export async function loadPrompts(dir = defaultPromptDir): Promise<Prompts> {
  await buildPrompts(dir);
  const entries = await Promise.all(
    (Object.keys(promptTexts) as PromptName[]).map(
      async (n) => [n, await readFile(path.join(dir, `${n}.alaw`))] as const,
    ),
  );
  return Object.fromEntries(entries) as Prompts;
}
