import { buildPrompts, defaultPromptDir } from './prompts';

/** `node --import tsx phone/src/media/buildPromptsMain.ts`: run by infra/install.sh. */
const made = await buildPrompts();
process.stdout.write(`phone prompts: ${made.length} generated in ${defaultPromptDir}\n`);
