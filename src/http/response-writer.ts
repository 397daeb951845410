/**
 * Route option for the hot routes (chat, parse), whose handlers build exactly the documented response: it is written
 * by the given function instead of zod's encode pass plus JSON.stringify (the response schema still documents the
 * route in /docs). Each writer has a test comparing it with the schema's output. Never use it on a route that
 * returns stored records, where zod's pass is what strips internal fields.
 */
export const responseWrittenBy = <T>(write: (data: T) => string) => ({ serializerCompiler: () => write }) as const;
