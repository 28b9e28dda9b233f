import { describe, expect, it } from 'vitest';
import { SpeakerMerge } from './speakerMerge';

describe('SpeakerMerge (active speaker across routers)', () => {
  it('one router: its dominant speaker is the meeting speaker', () => {
    const m = new SpeakerMerge();
    expect(m.dominant('r1', 'a', 0)).toBe('a');
    expect(m.dominant('r1', 'b', 100)).toBe('b');
    expect(m.dominant('r1', 'b', 200)).toBeUndefined(); // no change, no event
  });

  it('a quiet router reporting later does not steal the speaker from a loud one', () => {
    const m = new SpeakerMerge();
    m.volumes([{ endpointId: 'a', dBov: -20 }], 0);
    m.volumes([{ endpointId: 'b', dBov: -55 }], 0);
    expect(m.dominant('r1', 'a', 10)).toBe('a');
    expect(m.dominant('r2', 'b', 20)).toBeUndefined(); // latest report, but quieter
    expect(m.current).toBe('a');
  });

  it('a clearly louder speaker on another router takes over; a marginally louder one does not', () => {
    const m = new SpeakerMerge({ marginDb: 3 });
    m.dominant('r1', 'a', 0);
    m.dominant('r2', 'b', 0);
    expect(m.current).toBe('a'); // nobody measured yet: the speaker stays
    expect(m.volumes([{ endpointId: 'b', dBov: -30 }], 100)).toBe('b');
    expect(m.volumes([{ endpointId: 'a', dBov: -28 }], 100)).toBeUndefined();
    expect(m.volumes([{ endpointId: 'a', dBov: -20 }], 200)).toBe('a');
  });

  it('levels age out: a speaker who went silent loses to one who talks', () => {
    const m = new SpeakerMerge({ windowMs: 1_500 });
    m.volumes([{ endpointId: 'a', dBov: -10 }], 0);
    m.dominant('r1', 'a', 0);
    m.dominant('r2', 'b', 0);
    expect(m.current).toBe('a');
    expect(m.volumes([{ endpointId: 'b', dBov: -40 }], 2_000)).toBe('b');
  });

  it('when its own router elects someone else, the speaker changes at once', () => {
    const m = new SpeakerMerge();
    m.volumes([{ endpointId: 'a', dBov: -10 }], 0);
    m.dominant('r1', 'a', 0);
    m.dominant('r2', 'b', 0);
    // a is no longer a candidate; b and c are silent: the latest report wins.
    expect(m.dominant('r1', 'c', 100)).toBe('c');
    expect(m.routerGone('r1', 200)).toBe('b');
  });
});
