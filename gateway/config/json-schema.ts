import { z } from 'zod';
import { configSchema } from './schema.js';

/** The config schema as JSON Schema (draft 2020-12), as editors read it. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://nabo.invalid/nabo.schema.json', title: 'nabo gateway configuration (nabo.yaml)' };
}
