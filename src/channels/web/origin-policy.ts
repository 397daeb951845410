/**
 * Which pages may talk to the widget socket: the origins in ALLOWED_ORIGINS, the service's own PUBLIC_BASE_URL and
 * any page served by this same host (the demo page). The check defends citizens' browsers against other sites
 * opening a socket in their name; a request without an Origin header is not a browser page (browsers always send
 * one on a WebSocket upgrade) and could claim any origin anyway, so it is let through.
 */
export function createOriginPolicy(allowedOrigins: readonly string[], publicBaseUrl: string) {
  const allowed = new Set([...allowedOrigins, new URL(publicBaseUrl).origin]);
  return (origin: string | undefined, requestHost: string): boolean => {
    if (origin === undefined) return true;
    if (allowed.has(origin)) return true;
    try {
      return new URL(origin).host === requestHost;
    } catch {
      return false;
    }
  };
}
