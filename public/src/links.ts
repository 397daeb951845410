/**
 * Links in bot replies become anchors only when they point somewhere citizens can trust: the service itself, the
 * page's own site, or government domains; other URLs (and every other scheme: javascript:, data:…) stay text.
 */
const TRUSTED_DOMAINS = ['gov.vn', 'chinhphu.vn', 'baochinhphu.vn', 'vbpl.vn', 'zalo.me'];

export function safeHref(url: string, ownHosts: readonly string[]): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol === 'tel:') return /^tel:\+?[\d.\- ]{3,20}$/.test(parsed.href) ? parsed.href : null;
  const own = ownHosts.includes(parsed.host);
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && own)) {
    const host = parsed.hostname;
    if (own || TRUSTED_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`))) return parsed.href;
  }
  return null;
}
