import type { ChannelCapabilities } from '../../engine/types.js';

/**
 * Zalo consultation messages: 2,000 characters; query buttons exist but their v3 shape is unconfirmed, so by
 * default quick replies become a numbered menu; sending is allowed only inside the 7-day window.
 */
export function zaloCapabilities(quickReplyButtons: boolean): ChannelCapabilities {
  return { maxTextLength: 2000, quickReplyButtons, maxQuickReplies: 5, proactive: 'windowed' };
}
