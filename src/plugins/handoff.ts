import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { insideZaloWindow } from '../announcements/zalo-window.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Holidays } from '../content/holidays.js';
import type { Knowledge } from '../content/knowledge.js';
import { communeLabel } from '../domain/commune-label.js';
import type { CommuneDirectory } from '../domain/communes.js';
import { type CitizenMessenger, HandoffService } from '../handoff/handoff-service.js';
import type { HandoffRecord } from '../storage/records.js';
import type { Storage } from '../storage/repositories.js';
import { registerHandoffRoutes } from './handoff-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Conversations handed to commune staff (the engine's ownership gate, the staff inbox). */
    handoffs: HandoffService;
  }
}

export interface HandoffPluginOptions {
  config: Pick<Config, 'OFFICE_HOURS' | 'HANDOFF_CLAIM_MINUTES' | 'HANDOFF_REPLY_MINUTES'>;
  storage: Pick<Storage, 'handoffs' | 'citizens' | 'staff' | 'knowledgeDrafts'>;
  clock: Clock;
  communes: CommuneDirectory;
  holidays: Holidays;
  knowledge: Knowledge;
}

/** How often deadlines are checked: a conversation falls back to the bot at most this late. */
const SWEEP_MS = 30_000;

/**
 * Handoffs to commune staff: decorates `handoffs` (read by the conversation plugin for the engine and the citizen's
 * skill), delivers officers' replies on the citizen's channel (the widget live, Zalo inside its 7-day window, else
 * with the citizen's next message), sweeps deadlines, and serves the staff inbox's API.
 */
export const handoffPlugin = fp<HandoffPluginOptions>(
  async (app, { config, storage, clock, communes, holidays, knowledge }) => {
    const communeName = (id: string) => {
      const commune = communes.byId(id);
      return commune ? communeLabel(commune) : `xã/phường mã ${id}`;
    };
    const service = new HandoffService({
      repo: storage.handoffs,
      clock,
      calendar: { hours: config.OFFICE_HOURS, holidays: new Set(holidays.map((h) => h.date)) },
      claimMinutes: config.HANDOFF_CLAIM_MINUTES,
      replyMinutes: config.HANDOFF_REPLY_MINUTES,
      audit: app.audit,
      messenger: messenger(app, storage, clock),
      relay: app.sharedState?.handoffChanges ?? null,
      marks: app.sharedState?.handoffMarks ?? null,
      communeName,
      staffAccount: (username) => storage.staff.get(username),
      stats: app.stats,
    });
    await service.start();
    app.decorate('handoffs', service);

    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      timer = setInterval(() => {
        service.sweep().catch((error: unknown) => app.log.error({ err: error }, 'handoff sweep failed'));
      }, SWEEP_MS);
      timer.unref();
    });
    app.addHook('onClose', async () => clearInterval(timer));

    registerHandoffRoutes(app, { service, communeName, knowledge, drafts: storage.knowledgeDrafts, clock });
  },
  { name: 'handoff', dependencies: ['staff', 'web-push', 'zalo-outbound'] },
);

/** Officers' messages on the citizen's channel, now when it allows, else with the citizen's next message. */
function messenger(
  app: FastifyInstance,
  storage: Pick<Storage, 'citizens'>,
  clock: Clock,
): CitizenMessenger {
  const zaloOpen = async (h: HandoffRecord) => {
    const citizen = await storage.citizens.get(h.citizenId);
    return app.zaloOutbound !== null && citizen !== undefined && insideZaloWindow(citizen.lastInteractionAt, clock.now());
  };
  return {
    async deliver(h, { id, text }) {
      if (h.channel === 'web') {
        return (await app.webPush.sendToSession(h.userId, { id, replies: [{ text }] })) ? 'delivered' : 'waiting';
      }
      if (!(await zaloOpen(h))) return 'waiting';
      const result = await app.zaloOutbound!.client.sendText(h.userId, text);
      if (!result.ok) app.log.warn({ handoff: h.id, zaloError: result.code, reason: result.reason }, 'officer reply not sent on Zalo: kept for the next message');
      return result.ok ? 'delivered' : 'waiting';
    },
    async reachable(h) {
      return h.channel === 'web' ? app.webPush.hasSession(h.userId) : zaloOpen(h);
    },
  };
}
