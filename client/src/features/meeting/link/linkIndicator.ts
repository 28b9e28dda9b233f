import type { LinkNotice, LinkPresence } from '@giaoban/signaling/protocol/link';

/**
 * What the link indicator shows (engineer C renders it): a level, 0–4 bars,
 * and a message key, from the server's link notices for this endpoint or from
 * another endpoint's presence. Pure.
 */
export type LinkLevel = 'unknown' | 'good' | 'weak' | 'audioOnly' | 'critical';

export interface LinkIndicator {
  level: LinkLevel;
  bars: 0 | 1 | 2 | 3 | 4;
  audioOnly: boolean;
  /** The user chose audio-only (the indicator offers to switch video back on). */
  forced: boolean;
  messageKey: LinkMessageKey;
}

export type LinkMessageKey = keyof typeof linkMessages.vi;

/** Vietnamese first; merged into the app's i18n resources by the UI. */
export const linkMessages = {
  vi: {
    'link.unknown': 'Đang kiểm tra đường truyền…',
    'link.good': 'Đường truyền tốt',
    'link.weak': 'Đường truyền hạn chế: giảm chất lượng hình',
    'link.audioOnly': 'Đường truyền yếu: chỉ âm thanh',
    'link.audioOnlyForced': 'Bạn đã chọn chỉ âm thanh',
    'link.critical': 'Đường truyền rất yếu: chỉ nghe người đang phát biểu',
    'link.recovered': 'Đường truyền đã ổn định: bật lại hình ảnh',
  },
  en: {
    'link.unknown': 'Checking the connection…',
    'link.good': 'Good connection',
    'link.weak': 'Limited connection: lower video quality',
    'link.audioOnly': 'Weak connection: audio only',
    'link.audioOnlyForced': 'You chose audio only',
    'link.critical': 'Very weak connection: only the current speaker is heard',
    'link.recovered': 'Connection is stable again: video is back',
  },
} as const;

const worse = (a: LinkNotice['down'], b: LinkNotice['down']) => {
  const order = ['good', 'constrained', 'poor', 'critical'];
  return order.indexOf(a) >= order.indexOf(b) ? a : b;
};

export function indicatorFromPresence(p: LinkPresence | undefined, forced = false): LinkIndicator {
  if (!p)
    return { level: 'unknown', bars: 0, audioOnly: false, forced, messageKey: 'link.unknown' };
  switch (p.state) {
    case 'critical':
      return { level: 'critical', bars: 1, audioOnly: true, forced, messageKey: 'link.critical' };
    case 'poor':
      return { level: 'audioOnly', bars: 2, audioOnly: true, forced, messageKey: 'link.audioOnly' };
    case 'constrained':
      if (p.audioOnly) return forcedOnly(3, forced);
      return { level: 'weak', bars: 3, audioOnly: false, forced, messageKey: 'link.weak' };
    case 'good':
      if (p.audioOnly) return forcedOnly(4, forced);
      return { level: 'good', bars: 4, audioOnly: false, forced, messageKey: 'link.good' };
  }
}

function forcedOnly(bars: 3 | 4, forced: boolean): LinkIndicator {
  return {
    level: 'audioOnly',
    bars,
    audioOnly: true,
    forced,
    messageKey: forced ? 'link.audioOnlyForced' : 'link.audioOnly',
  };
}

/** This endpoint's own indicator from the server's latest notice. */
export function indicatorFromNotice(n: LinkNotice | undefined): LinkIndicator {
  if (!n) return indicatorFromPresence(undefined);
  return indicatorFromPresence({ state: worse(n.down, n.up), audioOnly: n.audioOnly }, n.forced);
}

/**
 * The message to announce when the state changes (a toast), or undefined when
 * nothing the user notices changed.
 */
export function transitionMessage(
  prev: LinkNotice | undefined,
  next: LinkNotice,
): LinkMessageKey | undefined {
  const a = indicatorFromNotice(prev);
  const b = indicatorFromNotice(next);
  if (a.level === b.level && a.forced === b.forced) return undefined;
  if (a.audioOnly && !b.audioOnly && prev) return 'link.recovered';
  if (a.level === 'unknown' && b.level === 'good') return undefined;
  return b.messageKey;
}
