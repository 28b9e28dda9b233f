import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
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
  dialOut: 'Đây là cuộc gọi từ hệ thống giao ban. Bấm phím một để vào cuộc họp.',
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
    const wav = path.join(dir, `${name}.wav`);
    await run(tools.espeak, ['-v', 'vi', '-s', '150', '-w', wav, text]);
    await run(tools.ffmpeg, [
      '-v',
      'error',
      '-y',
      '-i',
      wav,
      '-ar',
      '8000',
      '-ac',
      '1',
      '-f',
      'alaw',
      out,
    ]);
    await rm(wav, { force: true });
    made.push(name);
  }
  return made;
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
