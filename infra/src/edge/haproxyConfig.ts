import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EdgeConfig } from './edgeConfig';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The template the deployment, `npm run cluster` and the lab all render. */
export const haproxyTemplatePath = path.resolve(here, '../../deploy/haproxy/haproxy.cfg.tmpl');

type Vars = Record<string, string>;

/**
 * A deliberately small template language, enough for one config file:
 * `{{NAME}}` is replaced by its value; lines between `{{#if NAME}}` and
 * `{{/if}}` (or `{{#unless NAME}}` and `{{/unless}}`) stay when NAME is
 * non-empty (empty). Blocks nest. An unknown name is an error, not a blank;
 * comment lines are left alone.
 */
export function renderTemplate(template: string, vars: Vars): string {
  const out: string[] = [];
  const stack: { keep: boolean; kind: 'if' | 'unless' }[] = [];
  const keeping = () => stack.every((b) => b.keep);
  const value = (name: string) => {
    if (!(name in vars)) throw new Error(`template: unknown variable ${name}`);
    return vars[name]!;
  };
  for (const [i, line] of template.split('\n').entries()) {
    const open = /^\s*\{\{#(if|unless) ([A-Z_]+)\}\}\s*$/.exec(line);
    if (open) {
      const set = value(open[2]!) !== '';
      stack.push({ kind: open[1] as 'if' | 'unless', keep: open[1] === 'if' ? set : !set });
      continue;
    }
    const close = /^\s*\{\{\/(if|unless)\}\}\s*$/.exec(line);
    if (close) {
      if (stack.pop()?.kind !== close[1])
        throw new Error(`template: stray {{/${close[1]}}} on line ${i + 1}`);
      continue;
    }
    if (!keeping()) continue;
    // Comments are copied as they are (the header explains the {{…}} syntax).
    if (line.trimStart().startsWith('#')) out.push(line);
    else out.push(line.replace(/\{\{([A-Z_]+)\}\}/g, (_m, name: string) => value(name)));
  }
  if (stack.length > 0) throw new Error('template: unclosed {{#if}}/{{#unless}}');
  return out.join('\n');
}

/**
 * HAProxy's configuration for this edge. `pemPath` is the certificate and key
 * in one file (HAProxy's `crt`), written by the caller from TLS_CERT/TLS_KEY.
 */
export function renderHaproxyConfig(
  cfg: EdgeConfig,
  pemPath: string | undefined,
  template = readFileSync(haproxyTemplatePath, 'utf8'),
): string {
  const tls = Boolean(cfg.TLS_CERT && pemPath);
  const servers = (extra: (name: string) => string) =>
    cfg.EDGE_SIGNALING_NODES.map((s) => `    server ${s.name} ${s.address}${extra(s.name)}`).join(
      '\n',
    );
  return renderTemplate(template, {
    LOG_LEVEL: cfg.EDGE_LOG_LEVEL,
    TLS: tls ? 'on' : '',
    TLS_PEM: pemPath ?? '',
    BIND_ADDRESS: cfg.EDGE_BIND_ADDRESS,
    HTTP_PORT: String(cfg.EDGE_HTTP_PORT),
    HTTPS_PORT: String(cfg.EDGE_HTTPS_PORT),
    TURN_TLS: tls ? cfg.EDGE_TURN_TLS : '',
    TURN_TCP: tls && cfg.EDGE_TURN_TLS ? cfg.EDGE_TURN_TCP : '',
    TURN_SNI: cfg.EDGE_TURN_SNI || 'turn.invalid',
    PEERS_PORT: String(cfg.EDGE_PEERS_PORT),
    CHECK_INTERVAL_MS: String(cfg.EDGE_CHECK_INTERVAL_MS),
    CHECK_FAST_MS: String(cfg.EDGE_CHECK_FAST_MS),
    COOKIE_SECURE: tls ? ' secure' : '',
    SERVERS_MEETING: servers(() => ''),
    // The app backend follows the meeting backend's checks instead of checking twice.
    SERVERS_APP: servers((name) => ` cookie ${name} track signaling_meeting/${name}`),
  });
}
