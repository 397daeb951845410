/** A staff member's calls to a running service over HTTP (process and crash tests). */
export interface StaffAccount {
  username: string;
  password: string;
}

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Logs in; returns the `Cookie` header value. */
export async function login(serviceUrl: string, account: StaffAccount): Promise<string> {
  const response = await postJson(`${serviceUrl}/api/staff/login`, account);
  if (response.status !== 200) throw new Error(`login ${account.username}: ${response.status}`);
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
}

export type AnnouncementReport = {
  announcement: { status: string };
  report: { zalo: { total: number; counts: Record<string, number> } };
};

/** The announcement's report once it is published and nothing is queued or being sent (the service finishes alone). */
export async function finishedReport(serviceUrl: string, cookie: string, id: string, timeoutMs = 120_000): Promise<AnnouncementReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${serviceUrl}/api/announcements/${id}`, { headers: { cookie } });
    const body = (await response.json()) as AnnouncementReport;
    const { counts } = body.report.zalo;
    if (body.announcement.status === 'published' && counts.queued === 0 && counts.sending === 0) return body;
    if (Date.now() > deadline) throw new Error(`fan-out not finished: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What every instance of a multi-instance test shares: Redis under the run's prefix, the widget secret, the admin. */
export const sharedInstanceEnv = (redisPrefix: string, admin: StaffAccount): Record<string, string> => ({
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_KEY_PREFIX: redisPrefix,
  WIDGET_SESSION_SECRET: 'both-instances-share-this-secret-0123456789',
  ADMIN_USERNAME: admin.username,
  ADMIN_PASSWORD: admin.password,
  QUIET_HOURS: '',
});
