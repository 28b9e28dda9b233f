import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { coturnSettingsFromEnv, renderCoturnConfig } from './coturnConfig';
import { loadCoturnEnv } from './coturnEnv';

/**
 * `npm run turn:config [-- --out /etc/giaoban/turnserver.conf] [--run-dir DIR]`: coturn's
 * configuration for the edge machine from the TURN_* variables (TURN_SECRET required: the
 * same value every signaling node has), on stdout or into a file (mode 600: it holds the
 * secret). `--run-dir`: coturn's pid file and (unused) user db there instead of /var/run
 * and /var/lib/turn (giaoban-turn.service: /run/giaoban-turn, its RuntimeDirectory).
 */
const { values } = parseArgs({
  options: { out: { type: 'string' }, 'run-dir': { type: 'string' } },
});
try {
  const env = loadCoturnEnv();
  if (!env.TURN_SECRET) throw new Error('TURN_SECRET is required (the signaling nodes share it)');
  const text = renderCoturnConfig(
    coturnSettingsFromEnv(env, env.TURN_SECRET, { runDir: values['run-dir'] }),
  );
  if (values.out) writeFileSync(values.out, text, { mode: 0o600 });
  else process.stdout.write(text);
} catch (err) {
  console.error(`Lỗi / error: ${(err as Error).message}`);
  process.exit(1);
}
