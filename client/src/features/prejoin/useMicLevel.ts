import { useEffect, useState } from 'react';

/**
 * Microphone level 0..1 from an AnalyserNode, sampled 10 times a second
 * (enough for a meter, cheap on an old laptop).
 */
export function useMicLevel(stream: MediaStream | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!stream || stream.getAudioTracks().length === 0) return;
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(stream);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const buf = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      const rms = Math.sqrt(sum / buf.length);
      // Speech RMS sits around 0.02–0.2: a log scale makes the meter move visibly.
      setLevel(Math.min(1, Math.max(0, (20 * Math.log10(rms + 1e-6) + 60) / 50)));
    }, 100);
    return () => {
      clearInterval(timer);
      source.disconnect();
      void ctx.close();
      setLevel(0);
    };
  }, [stream]);
  return level;
}
