import { describe, expect, it } from 'vitest';
import { cameraOnByDefault } from './audioFirst';

describe('cameraOnByDefault', () => {
  const emergency = { audioFirst: true, videoUnitIds: ['44'] };
  it('starts only the commander camera in an audio-first meeting', () => {
    expect(cameraOnByDefault(emergency, '44', true)).toBe(true);
    expect(cameraOnByDefault(emergency, '18853', true)).toBe(false);
  });
  it('follows the user choice in a regular meeting', () => {
    expect(cameraOnByDefault({ audioFirst: false, videoUnitIds: [] }, '18853', true)).toBe(true);
    expect(cameraOnByDefault({ audioFirst: false, videoUnitIds: [] }, '18853', false)).toBe(false);
    expect(cameraOnByDefault(emergency, '44', false)).toBe(false);
  });
});
