import { speakerSchema, startBrowserSpeaker } from './browserSpeaker';

/** A browser-like microphone as its own process (audioProbe's opusSender): options as JSON in argv[2]. */
const stop = startBrowserSpeaker(speakerSchema.parse(JSON.parse(process.argv[2] ?? '{}')));
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    stop();
    process.exit(0);
  });
