import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { dropSchemas } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    schemaPrefix: string;
  }
}

/**
 * Once per run: a PostgreSQL schema prefix of the run's own (the tests' schemas start with it), and at the end every
 * schema that starts with it is dropped, those of files that failed before their own clean-up included.
 */
export default function setup(project: TestProject) {
  const prefix = `t_run_${randomBytes(4).toString('hex')}_`;
  project.provide('schemaPrefix', prefix);
  return async () => {
    await dropSchemas(prefix);
  };
}
