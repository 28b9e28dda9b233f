import { describe, expect, it } from 'vitest';
import { judgeLink, suggestMode } from './linkTest';
import { loadDevicePrefs, saveDevicePrefs } from './devicePrefs';

describe('pre-join link test', () => {
  it('calls a 3G-or-better link good and EDGE/2G weak', () => {
    expect(judgeLink({ rttMs: 40, downKbps: 5000 })).toBe('good');
    expect(judgeLink({ rttMs: 120, downKbps: 750 })).toBe('good');
    expect(judgeLink({ rttMs: 840, downKbps: 240 })).toBe('weak');
    expect(judgeLink({ rttMs: 60, downKbps: 200 })).toBe('weak');
    expect(judgeLink({ rttMs: 900, downKbps: 5000 })).toBe('weak');
    expect(judgeLink(null)).toBe('failed');
  });

  it('suggests audio-only on a weak link, a failed test or a poor-link unit', () => {
    expect(suggestMode('good', 'good')).toBe('video');
    expect(suggestMode('weak', 'good')).toBe('audioOnly');
    expect(suggestMode('failed', undefined)).toBe('audioOnly');
    expect(suggestMode('good', 'poor')).toBe('audioOnly');
  });

  it('remembers the choice on this device and ignores a corrupt record', () => {
    saveDevicePrefs({ mode: 'audioOnly', micId: 'mic-2', chosen: true });
    expect(loadDevicePrefs()).toEqual({ mode: 'audioOnly', micId: 'mic-2', chosen: true });
    localStorage.setItem('giaoban.devicePrefs', '{"mode":"smoke"}');
    expect(loadDevicePrefs()).toBeNull();
  });
});
