import type { Unit, UnitNode, UnitsResponse } from '@giaoban/scheduler/api/units';
import data from '../../../scheduler/data/quang-binh-units.json';
import type { Account } from '@giaoban/scheduler/api/auth';
import type { EndpointView, MeetingView } from '@giaoban/signaling/protocol/meeting';

/** The real Quảng Bình tree (the scheduler's seed file), shaped like GET /api/units. */
export function quangBinhUnitsResponse(): UnitsResponse {
  const node = (
    u: Omit<Unit, 'linkProfile'> & { linkProfile?: Unit['linkProfile'] },
  ): UnitNode => ({
    linkProfile: 'good',
    ...u,
    children: [],
  });
  const central = node({ ...data.central, tier: 'central', parentId: null });
  const province = node({ ...data.province, tier: 'province', parentId: central.id });
  central.children.push(province);
  for (const d of data.districts) {
    const poor = d.id === '452' || d.id === '453';
    const district = node({
      id: d.id,
      name: d.name,
      type: d.type,
      tier: 'district',
      parentId: province.id,
    });
    for (const c of d.communes)
      district.children.push(
        node({ ...c, tier: 'commune', parentId: d.id, linkProfile: poor ? 'poor' : 'good' }),
      );
    province.children.push(district);
  }
  return {
    tiers: [
      { id: 'central', name: 'Trung ương', level: 0 },
      { id: 'province', name: 'Tỉnh', level: 1 },
      { id: 'district', name: 'Huyện', level: 2 },
      { id: 'commune', name: 'Xã', level: 3 },
    ],
    tree: central,
    count: 2 + data.districts.reduce((n, d) => n + 1 + d.communes.length, 0),
  };
}

export function account(partial: Partial<Account> = {}): Account {
  return {
    id: 'acc-1',
    username: 'u18853',
    displayName: 'Phường Hải Thành',
    unitId: '18853',
    role: 'member',
    demoPassword: true,
    mustChangePassword: false,
    ...partial,
  };
}

/**
 * A stand-in for the server's REST answers in component tests (happy-dom has
 * no server; the real server is exercised by the e2e journeys).
 */
export function mockFetch(
  routes: Record<string, (init: RequestInit | undefined) => { status?: number; body?: unknown }>,
) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push({ url, init });
    const method = init?.method ?? 'GET';
    const path = url.replace(/^https?:\/\/[^/]+/, '');
    const handler = routes[`${method} ${path}`] ?? routes[`${method} ${path.split('?')[0]}`];
    if (!handler)
      return new Response(
        JSON.stringify({ error: { code: 'NOT_FOUND', message: '', messageEn: '' } }),
        { status: 404 },
      );
    const { status = 200, body } = handler(init);
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
  globalThis.fetch = fn as typeof fetch;
  return calls;
}

/** A meeting participant as presence sends it: a connected commune with nothing published. */
export function endpointView(over: Partial<EndpointView> = {}): EndpointView {
  return {
    id: 'e1',
    unitId: '18853',
    unitName: 'Phường Hải Thành',
    tier: 'commune',
    displayName: over.unitName ?? 'Phường Hải Thành',
    isHost: false,
    handRaised: false,
    hostMuted: false,
    linkState: 'good',
    connected: true,
    producers: [],
    ...over,
  };
}

/** A regular meeting as the join answer describes it. */
export function meetingView(over: Partial<MeetingView> = {}): MeetingView {
  return {
    id: 'm1',
    title: 'Giao ban',
    kind: 'regular',
    locked: false,
    floorEndpointId: null,
    audioFirst: false,
    videoUnitIds: [],
    ...over,
  };
}
