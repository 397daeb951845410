import type { CitizenRecord } from '../../src/storage/records.js';

/** A Zalo citizen as the service stores one after a few messages: follows the OA, notice seen. */
export function zaloCitizen(userId: string, options: { commune: string | null; subscribed?: boolean; at: string }): CitizenRecord {
  const subscribed = options.subscribed ?? true;
  return {
    id: `zalo:${userId}`,
    channel: 'zalo',
    userId,
    firstSeenAt: options.at,
    lastInteractionAt: options.at,
    noticeShownAt: options.at,
    consent: null,
    following: true,
    commune: options.commune,
    subscribed,
    subscribedAt: subscribed ? options.at : null,
  };
}
