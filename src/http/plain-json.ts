/**
 * Route option for hot routes whose handler already builds exactly the documented response: serialise with
 * JSON.stringify and skip zod's encode pass (the response schema still documents the route in /docs).
 * Never use it on a route that returns stored records, where the schema is what strips internal fields.
 */
export const plainJsonResponse = {
  serializerCompiler: () => (data: unknown) => JSON.stringify(data),
} as const;
