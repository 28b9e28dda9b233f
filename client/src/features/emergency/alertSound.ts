/**
 * The emergency alert tone, synthesised with WebAudio (no audio file to fetch
 * over a weak link): a two-tone siren, 1.2 s on, 0.8 s off, until stopped.
 * Browsers may keep an AudioContext suspended until the user has interacted
 * with the page; the banner is visual first and the tone is a best effort.
 */
export interface AlertSound {
  stop(): void;
  readonly playing: boolean;
}

const cyclePeriodS = 2;

export function playAlertSound(ctx: AudioContext = new AudioContext()): AlertSound {
  const gain = ctx.createGain();
  gain.gain.value = 0;
  gain.connect(ctx.destination);
  const osc = ctx.createOscillator();
  osc.type = 'square';
  osc.connect(gain);

  // Schedule 30 s of siren ahead; longer alerts re-arm from the timer below.
  const schedule = (from: number) => {
    for (let i = 0; i < 15; i++) {
      const t0 = from + i * cyclePeriodS;
      osc.frequency.setValueAtTime(880, t0);
      osc.frequency.setValueAtTime(660, t0 + 0.3);
      osc.frequency.setValueAtTime(880, t0 + 0.6);
      osc.frequency.setValueAtTime(660, t0 + 0.9);
      gain.gain.setValueAtTime(0.15, t0);
      gain.gain.setValueAtTime(0, t0 + 1.2);
    }
    return from + 15 * cyclePeriodS;
  };
  let until = schedule(ctx.currentTime + 0.05);
  osc.start();
  void ctx.resume().catch(() => undefined);
  const timer = setInterval(() => {
    if (ctx.currentTime > until - 5) until = schedule(until);
  }, 5000);

  let playing = true;
  return {
    get playing() {
      return playing;
    },
    stop() {
      if (!playing) return;
      playing = false;
      clearInterval(timer);
      try {
        osc.stop();
      } catch {
        // already stopped
      }
      osc.disconnect();
      gain.disconnect();
      void ctx.close().catch(() => undefined);
    },
  };
}
