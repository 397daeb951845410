/**
 * The staff console's view of the API: typed calls with the session cookie, errors as ApiError carrying the
 * server's Vietnamese message.
 */
export type Role = 'admin' | 'officer';
export type Channel = 'zalo' | 'web';
export type DeliveryState = 'queued' | 'sending' | 'sent' | 'failed' | 'pending_window' | 'skipped';
export type AnnouncementStatus = 'scheduled' | 'publishing' | 'published' | 'withdrawn';

export interface Me {
  username: string;
  displayName: string;
  role: Role;
  communes: string[];
  zalo: { enabled: boolean; alert: string | null; webhookAlert: string | null };
  quietHours: string | null;
}

export interface Commune {
  id: string;
  name: string;
  type: 'xa' | 'phuong' | 'dac_khu';
}

export interface Announcement {
  id: string;
  title: string;
  body: string;
  communes: string[] | 'all';
  channels: Channel[];
  author: string;
  createdAt: string;
  scheduledAt: string | null;
  publishedAt: string | null;
  status: AnnouncementStatus;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
}

export interface ChannelReport {
  total: number;
  counts: Record<DeliveryState, number>;
  reasons: { state: DeliveryState; reason: string; label: string; count: number }[];
}

export interface Report {
  announcement: Announcement;
  report: Partial<Record<Channel, ChannelReport>>;
}

export interface Preview {
  zalo: { from: string; messages: string[] };
  web: { title: string; body: string };
}

export interface Account {
  username: string;
  displayName: string;
  role: Role;
  communes: string[];
  disabled: boolean;
  createdAt: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

export interface Unanswered {
  total: number;
  withheld: number;
  questions: { text: string; count: number; lastAt: string }[];
}

/** A published count: a number, "< 5" for a group of 1–4, or "≥ n" for a total with such a part. */
export type Figure = number | string;

/** GET api/staff/dashboard (src/stats/dashboard.ts). */
export interface Dashboard {
  fromWeek: string;
  toWeek: string;
  communes: string[] | 'all';
  weeks: { week: string; monday: string }[];
  topics: { topic: string; label: string; weeks: Figure[]; total: Figure }[];
  outcomes: {
    week: string;
    bot: Figure;
    staff: Figure;
    unanswered: Figure;
    shares: { bot: number; staff: number; unanswered: number } | null;
  }[];
  responseTimes: { bands: { band: string; label: string; count: Figure }[]; responses: Figure; meanMinutes: number | null };
  reach: { channel: Channel; label: string; states: Record<'sent' | 'failed' | 'skipped' | 'waiting', Figure>; total: Figure; read: null }[];
  screening: { categories: { category: string; label: string; count: Figure }[]; total: Figure };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Called on any 401 after login: the session ended (expired, logged out elsewhere, account locked). */
let onSessionEnded: (message: string) => void = () => undefined;
export function whenSessionEnds(handler: (message: string) => void): void {
  onSessionEnded = handler;
}

/**
 * A call to the service's API. `path` is relative ("api/staff/me"): it resolves against the console page's address,
 * so the console works when the service is reached under a path prefix (https://portal/giamngheo/console.html).
 */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Không kết nối được tới máy chủ. Kiểm tra mạng rồi thử lại.');
  }
  if (response.status === 204) return undefined as T;
  const data = (await response.json().catch(() => null)) as { error?: string; message?: string } | null;
  if (!response.ok) {
    const error = new ApiError(response.status, data?.error ?? 'error', data?.message ?? `Máy chủ báo lỗi ${response.status}.`);
    if (response.status === 401 && path !== 'api/staff/login') onSessionEnded(error.message);
    throw error;
  }
  return data as T;
}
