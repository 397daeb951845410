import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * A short hash of a schema, made on first use (converting the schema costs start-up time). Data written with the
 * stamp of the schema it has was written by code with this very schema when the stamp is this one: it can be taken
 * as written, without validating it again.
 */
export function schemaStamp(schema: z.ZodType): () => string {
  let stamp: string | undefined;
  return () => {
    stamp ??= createHash('sha256').update(JSON.stringify(z.toJSONSchema(schema))).digest('base64url').slice(0, 16);
    return stamp;
  };
}
