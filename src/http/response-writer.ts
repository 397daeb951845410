/**
 * Route options for the hot routes, whose handlers build exactly the documented response: the response is written
 * by a given function instead of zod's encode pass (the response schema still documents the route in /docs).
 * Never use them on a route that returns stored records, where zod's pass is what strips internal fields.
 */
export const responseWrittenBy = <T>(write: (data: T) => string) => ({ serializerCompiler: () => write }) as const;

/** JSON.stringify: right for long texts (chat replies), which V8 escapes natively in one pass. */
export const plainJsonResponse = responseWrittenBy<unknown>(JSON.stringify);
