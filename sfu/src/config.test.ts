import { describe, expect, it } from 'vitest';
import { loadSfuConfig, recordingSettings } from './config';

describe('SFU config: the recording mix rate', () => {
  it('mixes at 9 kbit/s unless RECORDING_MIX_KBPS says otherwise', () => {
    expect(recordingSettings(loadSfuConfig({})).encoding?.mix.kbps).toBe(9);
    const cfg = loadSfuConfig({ RECORDING_MIX_KBPS: '16' });
    const enc = recordingSettings(cfg).encoding;
    expect(enc?.mix.kbps).toBe(16);
    // The rest of the encoding is the chosen one.
    expect(enc?.mix.frameMs).toBe(60);
    expect(enc?.pageMs).toBe(200);
  });

  it('refuses a rate Opus cannot carry speech at, naming the variable', () => {
    expect(() => loadSfuConfig({ RECORDING_MIX_KBPS: '3' })).toThrow(/RECORDING_MIX_KBPS/);
    expect(() => loadSfuConfig({ RECORDING_MIX_KBPS: 'fast' })).toThrow(/RECORDING_MIX_KBPS/);
  });
});
