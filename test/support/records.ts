import type { AnnouncementRecord, DeliveryRecord } from '../../src/storage/records.js';

/** An announcement as stored once published (both channels), for tests and example data that seed storage. */
export function publishedAnnouncement(id: string, communes: AnnouncementRecord['communes'], publishedAt: string): AnnouncementRecord {
  return {
    id,
    title: 'Lịch rà soát hộ nghèo',
    body: 'Tổ rà soát đến từng hộ.',
    communes,
    channels: ['web', 'zalo'],
    author: 'canbo',
    createdAt: publishedAt,
    scheduledAt: null,
    publishedAt,
    status: 'published',
    withdrawnAt: null,
    withdrawnBy: null,
  };
}

/** One delivery of the announcement per user id, all on one channel and in one state. */
export function deliveryRecords(
  announcementId: string,
  channel: DeliveryRecord['channel'],
  state: DeliveryRecord['state'],
  userIds: readonly string[],
  at: string,
): DeliveryRecord[] {
  return userIds.map((userId) => ({
    id: `${announcementId}|${channel}:${userId}`,
    announcementId,
    citizenId: `${channel}:${userId}`,
    channel,
    state,
    reason: null,
    attempts: 1,
    updatedAt: at,
  }));
}
