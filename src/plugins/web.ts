import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { WebPushHub } from '../channels/web/push-hub.js';
import { loadSessionSecret, WidgetSessionIds } from '../channels/web/session-ids.js';
import { registerWebChannel } from '../channels/web/web-channel.js';
import { citizenKey } from '../citizens/identity.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { CommuneDirectory } from '../domain/communes.js';
import { registerAnnouncementFeed } from './announcement-routes.js';
import { registerCommunesRoutes } from './communes-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Live push to open widgets (announcements); see WebPushHub. */
    webPush: WebPushHub;
  }
}

/** The widget hub: decorates `webPush`, which announcements push through and the web channel serves. */
export const webPushPlugin = fp(
  async (app: FastifyInstance) => {
    // With Redis, a push reaches the widgets of every instance (pub/sub); the relay listens before traffic comes.
    const hub = new WebPushHub(app.sharedState?.widgetPush ?? null);
    app.decorate('webPush', hub);
    app.addHook('onReady', () => hub.start());
  },
  { name: 'web-push' },
);

/**
 * The web channel: the widget socket, `/api/chat`, clearing a conversation, and in the same cross-origin scope the
 * widget's other routes (the announcement feed, the communes).
 */
export const webChannelPlugin = fp<{
  clock: Clock;
  config: Pick<
    Config,
    'ALLOWED_ORIGINS' | 'PUBLIC_BASE_URL' | 'RATE_LIMIT_PER_MINUTE' | 'WIDGET_SOCKETS_PER_ADDRESS' | 'WIDGET_SESSION_SECRET' | 'DATA_DIR'
  >;
  communes: CommuneDirectory;
}>(
  async (app, { clock, config, communes }) => {
    await registerWebChannel(app, {
      engine: app.engine,
      clock,
      webPush: app.webPush,
      budget: app.sharedState?.webBudget ?? undefined,
      sessionIds: new WidgetSessionIds(await loadSessionSecret(config.WIDGET_SESSION_SECRET, config.DATA_DIR)),
      config,
      // The widget starts a new session after clearing, so nothing under the old one stays reachable: delete it all.
      onClear: [(sessionId) => app.personalData.deletePersonalData(citizenKey('web', sessionId), { kind: 'citizen' })],
      crossOriginRoutes: [
        (scope) => registerAnnouncementFeed(scope, app.announcements.service),
        (scope) => registerCommunesRoutes(scope, communes),
      ],
    });
  },
  { name: 'web-channel', dependencies: ['web-push', 'conversation', 'announcements'] },
);
