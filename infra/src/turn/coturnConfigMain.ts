import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { coturnSettingsFromEnv, renderCoturnConfig } from './coturnConfig';
import { loadCoturnEnv } from './coturnEnv';

/**
 * `npm run turn:config [-- --out /etc/giaoban/turnserver.conf]`: coturn's configuration
 * for the edge machine from the TURN_* variables (TURN_SECRET required: the same value
 * every signaling node has), on stdout or into a file (mode 600: it holds the secret).
 */
const { values } = parseArgs({ options: { out: { type: 'string' } } });
try {
  const env = loadCoturnEnv();
  if (!env.TURN_SECRET) throw new Error('TURN_SECRET is required (the signaling nodes share it)');
  const text = renderCoturnConfig(coturnSettingsFromEnv(env, env.TURN_SECRET));
  if (values.out) writeFileSync(values.out, text, { mode: 0o600 });
  else process.stdout.write(text);
} catch (err) {
  console.error(`Lỗi / error: ${(err as Error).message}`);
  process.exit(1);
}
