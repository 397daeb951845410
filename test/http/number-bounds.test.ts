import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, type ConsoleApp, startConsoleApp } from '../announcements/support/app-bed.js';

let bed: ConsoleApp;
afterEach(async () => {
  await bed?.close();
});

interface Schema {
  type?: string | string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

/** Every numeric schema under `schema`, with the path that leads to it. */
function numbersIn(schema: Schema | undefined, path: string): { path: string; schema: Schema }[] {
  if (!schema) return [];
  const types = [schema.type ?? []].flat();
  const own = types.includes('number') || types.includes('integer') ? [{ path, schema }] : [];
  return [
    ...own,
    ...Object.entries(schema.properties ?? {}).flatMap(([key, child]) => numbersIn(child, `${path}.${key}`)),
    ...numbersIn(schema.items, `${path}[]`),
    ...[...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])].flatMap((child) => numbersIn(child, path)),
  ];
}

describe('numeric inputs', () => {
  it('have a finite lower and upper bound in every route’s schema (OpenAPI)', async () => {
    bed = await startConsoleApp();
    const spec = (await bed.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, { parameters?: { name: string; schema: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
    };
    const inputs = Object.entries(spec.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) => [
        ...(operation.parameters ?? []).flatMap((p) => numbersIn(p.schema, `${method} ${path} ${p.name}`)),
        ...Object.values(operation.requestBody?.content ?? {}).flatMap((c) => numbersIn(c.schema, `${method} ${path} body`)),
      ]),
    );
    expect(inputs.length).toBeGreaterThanOrEqual(5);
    const unbounded = inputs
      .filter(({ schema }) => {
        const low = schema.minimum ?? schema.exclusiveMinimum;
        const high = schema.maximum ?? schema.exclusiveMaximum;
        return !(Number.isFinite(low) && Number.isFinite(high) && (high as number) < 1e300);
      })
      .map(({ path }) => path);
    expect(unbounded).toEqual([]);
  });

  it('answers 1e308 with 400 on every route that takes a number', async () => {
    bed = await startConsoleApp();
    const admin = await bed.login(ADMIN);
    const evaluate = { area: 'rural', householdSize: 4, monthlyIncome: 5_000_000, deprivations: [] };
    const requests = [
      { method: 'POST', url: '/api/screening/evaluate', payload: { ...evaluate, householdSize: 1e308 } },
      { method: 'POST', url: '/api/screening/evaluate', payload: { ...evaluate, monthlyIncome: 1e308 } },
      { method: 'POST', url: '/api/screening/evaluate', headers: { 'content-type': 'application/json' }, payload: '{"area":"rural","householdSize":4,"monthlyIncome":1e999,"deprivations":[]}' },
      { method: 'GET', url: '/api/staff/audit?limit=1e308' },
      { method: 'GET', url: '/api/staff/unanswered?limit=1e308' },
      { method: 'GET', url: '/api/staff/announcements?limit=1e308' },
      { method: 'GET', url: '/api/staff/audit?limit=Infinity' },
    ] as const;
    for (const request of requests) {
      const response = await bed.inject({ ...request, cookie: admin });
      expect(response.statusCode, `${request.method} ${request.url} ${"payload" in request ? JSON.stringify(request.payload) : ""}`).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_request', message: expect.any(String) });
    }
  });
});
