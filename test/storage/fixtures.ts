import type {
  AnnouncementRecord,
  AuditRecord,
  CitizenRecord,
  DeliveryRecord,
  KeptAnswerRecord,
  SessionRecord,
  StaffRecord,
  StaffSessionRecord,
  TokenRecord,
  UnansweredRecord,
} from '../../src/storage/records.js';

/** One record of each collection, valid, with the fields that queries filter on as parameters. */
export const T0 = '2026-11-28T01:00:00.000Z';
export const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

export const citizen = (id: string, commune: string | null, subscribed = commune !== null, lastInteractionAt = T0): CitizenRecord => ({
  id: `web:${id}`,
  channel: 'web',
  userId: id,
  firstSeenAt: T0,
  lastInteractionAt,
  noticeShownAt: null,
  consent: { status: 'granted', at: T0 },
  following: true,
  commune,
  subscribed,
  subscribedAt: subscribed ? T0 : null,
});

export const session = (key: string, lastActiveAt = T0): SessionRecord => ({
  id: key,
  key,
  channel: 'web',
  userId: key.slice(4),
  flow: { skill: 'screening', step: 'household_size', data: { area: 'rural' }, history: [{ step: 'area', data: {} }] },
  lastQuickReplies: [{ title: 'Có', payload: 'yes' }],
  pending: { kind: 'count', owner: 'screening' },
  lastIntent: 'screening_start',
  context: { facts: { area: 'rural', householdSize: 4 } },
  startedAt: T0,
  lastActiveAt,
});

export const announcement = (id: string, overrides: Partial<AnnouncementRecord> = {}): AnnouncementRecord => ({
  id,
  title: `Thông báo ${id}`,
  body: 'Rà soát hộ nghèo năm 2027.',
  communes: ['xa-a'],
  channels: ['web', 'zalo'],
  author: 'officer',
  createdAt: T0,
  scheduledAt: null,
  publishedAt: T0,
  status: 'published',
  withdrawnAt: null,
  withdrawnBy: null,
  ...overrides,
});

export const delivery = (announcementId: string, citizenId: string, state: DeliveryRecord['state'] = 'queued', updatedAt = T0): DeliveryRecord => ({
  id: `${announcementId}|${citizenId}`,
  announcementId,
  citizenId,
  channel: 'zalo',
  state,
  reason: state === 'failed' ? '-230: not a follower' : null,
  attempts: state === 'queued' ? 0 : 1,
  updatedAt,
});

export const staff = (id: string, role: StaffRecord['role'] = 'officer'): StaffRecord => ({
  id,
  role,
  communes: role === 'admin' ? [] : ['xa-a'],
  passwordHash: 'scrypt$abc$def',
  displayName: `Cán bộ ${id}`,
  createdAt: T0,
  disabled: false,
});

export const staffSession = (id: string, username: string, expiresAt: string): StaffSessionRecord => ({ id, username, createdAt: T0, expiresAt });
export const audit = (id: string, when: string): AuditRecord => ({ id, at: when, actor: 'admin', action: 'staff.create', target: id, details: { role: 'officer' } });
export const kept = (id: string, citizenId: string, createdAt = T0): KeptAnswerRecord => ({ id, citizenId, kind: 'screening', data: { result: 'near_poor' }, createdAt });
export const unanswered = (id: string, citizenId: string, when = T0): UnansweredRecord => ({ id, citizenId, text: 'hỏi gì đó', at: when });
export const token = (refreshToken: string): TokenRecord => ({
  id: 'zalo',
  accessToken: 'access',
  refreshToken,
  accessTokenExpiresAt: at(60),
  refreshedAt: T0,
  alert: null,
  refusal: 'configuration',
});
