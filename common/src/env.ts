import { z } from 'zod';

/**
 * Parses a process's configuration from environment variables with a zod schema,
 * failing at start-up with one readable message listing every bad variable.
 */
export function parseEnv<T extends z.ZodType>(
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new Error(`Invalid configuration (environment variables):\n${lines.join('\n')}`);
}

/** An env var that is a port number, with a default. */
export const portVar = (dflt: number) => z.coerce.number().int().min(0).max(65535).default(dflt);
