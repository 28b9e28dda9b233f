import { buildPrompts, defaultPromptDir } from './prompts';

/** `node --import tsx phone/src/media/buildPromptsMain.ts`: run by infra/install.sh. */
const made = await buildPrompts();
console.log(`phone prompts: ${made.length} generated in ${defaultPromptDir}`);
