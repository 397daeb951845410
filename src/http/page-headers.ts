import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyHelmetOptions } from '@fastify/helmet';

/** A CSP source: fixed, or computed per request (helmet's directive value). */
type Source = string | ((req: IncomingMessage, res: ServerResponse) => string);

/**
 * The security headers of every page the service serves itself (demo page, console, privacy page, /docs): helmet's
 * defaults and a strict Content-Security-Policy — own files only, no framing, no plugins. `extra` adds sources a page
 * needs beside its own origin (e.g. the socket's origin, or inline styles for Swagger UI).
 */
export function pageHeaders(extra: { styleSrc?: Source[]; connectSrc?: Source[] } = {}): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", ...(extra.styleSrc ?? [])],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", ...(extra.connectSrc ?? [])],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  };
}
