import type { WireAnnouncement } from '../channels/web/wire.js';

/** Live push of a published announcement to the widgets open on a commune's pages (the widget's socket hub). */
export interface CommuneBroadcaster {
  /** `communeId` "all": every open widget. */
  broadcastToCommune(communeId: string, announcement: WireAnnouncement): unknown;
}

/** Asked after a crash whether a Zalo delivery left `sending` reached the citizen (Zalo's conversation history). */
export interface SentCheck {
  /** true: the text is in the conversation since `sinceMs`; false: it is not; null: the history cannot say. */
  wasSent(userId: string, text: string, sinceMs: number): Promise<boolean | null>;
}
