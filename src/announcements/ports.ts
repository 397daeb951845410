import type { WireAnnouncement } from '../channels/web/wire.js';

/** Live push of a published announcement to the widgets open on a commune's pages (the widget's socket hub). */
export interface CommuneBroadcaster {
  /** `communeId` "all": every open widget. */
  broadcastToCommune(communeId: string, announcement: WireAnnouncement): unknown;
}
