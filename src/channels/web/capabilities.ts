import type { ChannelCapabilities } from '../../engine/types.js';

/** The widget renders buttons and is pushed to live while open. */
export const webCapabilities: ChannelCapabilities = {
  maxTextLength: 2000,
  quickReplyButtons: true,
  maxQuickReplies: 10,
  proactive: 'live',
};
