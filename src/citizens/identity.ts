/** The channels a citizen reaches the service through. */
export type ChannelId = 'web' | 'zalo';

/**
 * A citizen's id, which is also the key of their conversation session and of their per-user queue: the channel and
 * the channel-scoped user id (widget session id, Zalo user id). Built here only.
 */
export function citizenKey(channel: ChannelId, userId: string): string {
  return `${channel}:${userId}`;
}
