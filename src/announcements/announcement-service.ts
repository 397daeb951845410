import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { WireAnnouncement } from '../channels/web/wire.js';
import type { Clock } from '../clock.js';
import type { CommuneDirectory } from '../domain/communes.js';
import { AppError } from '../errors.js';
import type { AuditLog } from '../staff/audit-log.js';
import { SYSTEM_ACTOR } from '../staff/audit-log.js';
import { mayActOn, type StaffIdentity } from '../staff/scope.js';
import type { AnnouncementRecord, CitizenRecord, DeliveryRecord } from '../storage/records.js';
import type { AnnouncementRepository, CitizenRepository, DeliveryRepository } from '../storage/repositories.js';
import type { NewAnnouncement } from './announcement-input.js';
import { REASON } from './delivery-reasons.js';
import { type DeliveryReport, summarizeDeliveries } from './delivery-report.js';
import type { DeliveryWorker } from './delivery-worker.js';
import type { PendingWindowIndex } from './pending-window.js';
import type { CommuneBroadcaster } from './ports.js';
import { insideZaloWindow } from './zalo-window.js';

export interface AnnouncementServiceOptions {
  announcements: AnnouncementRepository;
  deliveries: DeliveryRepository;
  citizens: CitizenRepository;
  communes: CommuneDirectory;
  audit: AuditLog;
  clock: Clock;
  worker: DeliveryWorker;
  pendingWindow: PendingWindowIndex;
  zaloEnabled: boolean;
  web: CommuneBroadcaster | null;
  log: Pick<FastifyBaseLogger, 'info' | 'warn'>;
}

/** Citizens read, and their deliveries written, this many at a time: a fan-out never holds them all. */
const PUBLISH_CHUNK = 2000;
/** How far ahead an announcement may be scheduled. */
const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 3_600_000;
const FEED_LIMIT = 20;

/** Web deliveries are one record per commune: the announcement is in that commune's feed and was pushed live. */
export const webTargetId = (communeId: string) => `commune:${communeId}`;

export function toWire(announcement: AnnouncementRecord): WireAnnouncement {
  const { id, title, body, publishedAt } = announcement;
  return { id, title, body, publishedAt };
}

/**
 * Announcements from creation to delivery: validation against the author's communes, scheduling, publishing (the
 * feed, the live push to widgets, one stored delivery per Zalo citizen of the communes), withdrawal, and the report.
 */
export class AnnouncementService {
  readonly #o: AnnouncementServiceOptions;

  constructor(options: AnnouncementServiceOptions) {
    this.#o = options;
  }

  async create(author: StaffIdentity, input: NewAnnouncement): Promise<AnnouncementRecord> {
    const communes = input.communes === 'all' ? 'all' : [...new Set(input.communes)];
    if (communes !== 'all') {
      const unknown = communes.filter((id) => !this.#o.communes.byId(id));
      if (unknown.length) throw new AppError('invalid_commune', `Không có xã/phường với mã: ${unknown.join(', ')}.`);
    }
    this.#authorize(author, communes);
    const now = this.#o.clock.now();
    let scheduledAt: string | null = null;
    if (input.scheduledAt) {
      const at = new Date(input.scheduledAt);
      if (at.getTime() <= now.getTime()) {
        throw new AppError('schedule_in_past');
      }
      if (at.getTime() - now.getTime() > MAX_SCHEDULE_AHEAD_MS) {
        throw new AppError('schedule_too_far');
      }
      scheduledAt = at.toISOString();
    }
    const announcement: AnnouncementRecord = {
      id: randomUUID(),
      title: input.title,
      body: input.body,
      communes,
      channels: [...input.channels],
      author: author.username,
      createdAt: now.toISOString(),
      scheduledAt,
      // Set when publishing starts (the feed's order); while `publishing`, also when it started (see resumePublishing).
      publishedAt: scheduledAt ? null : now.toISOString(),
      status: scheduledAt ? 'scheduled' : 'publishing',
      withdrawnAt: null,
      withdrawnBy: null,
    };
    await this.#o.announcements.save(announcement);
    await this.#o.audit.record(author.username, 'announcement.create', announcement.id, {
      communes,
      channels: announcement.channels,
      scheduledAt,
    });
    if (!scheduledAt) await this.#publish(announcement, author.username);
    return (await this.#o.announcements.get(announcement.id))!;
  }

  /** The announcement and its delivery report; officers see only those of their communes. */
  async report(staff: StaffIdentity, id: string): Promise<{ announcement: AnnouncementRecord; report: DeliveryReport }> {
    const announcement = await this.#readable(staff, id);
    const report = summarizeDeliveries(await this.#o.deliveries.forAnnouncement(id), announcement.channels);
    return { announcement, report };
  }

  /** What a staff member may see in the console: their communes' announcements (admins: all), newest first. */
  async listFor(staff: StaffIdentity, limit: number): Promise<AnnouncementRecord[]> {
    const all = await this.#o.announcements.list({
      communes: staff.role === 'admin' ? undefined : staff.communes,
      limit: staff.role === 'admin' ? limit : undefined,
    });
    return all.filter((a) => mayActOn(staff, a.communes)).slice(0, limit);
  }

  /** The public feed of a commune: published, not withdrawn, newest first (the widget shows it). */
  async feed(communeId: string, limit = FEED_LIMIT): Promise<WireAnnouncement[]> {
    if (!this.#o.communes.byId(communeId)) {
      throw new AppError('unknown_commune', `Không có xã/phường với mã ${communeId}.`);
    }
    const list = await this.#o.announcements.list({ communes: [communeId], status: ['published'] });
    // Newest publication first: a scheduled announcement is news when it goes out, not when it was written.
    return list
      .sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? ''))
      .slice(0, limit)
      .map(toWire);
  }

  async withdraw(staff: StaffIdentity, id: string): Promise<AnnouncementRecord> {
    const announcement = await this.#readable(staff, id);
    if (announcement.status === 'withdrawn') return announcement;
    const now = this.#o.clock.now().toISOString();
    const withdrawn: AnnouncementRecord = { ...announcement, status: 'withdrawn', withdrawnAt: now, withdrawnBy: staff.username };
    await this.#o.announcements.save(withdrawn);
    // Deliveries claimed meanwhile are checked again by the worker, which finds the announcement withdrawn.
    const notSent = await this.#o.deliveries.skipWaiting(id, REASON.withdrawn, new Date(now));
    await this.#o.audit.record(staff.username, 'announcement.withdraw', id, { notSent });
    return withdrawn;
  }

  /**
   * Publishes scheduled announcements whose time has come (the timer calls this with the injected clock). Each is
   * taken by one atomic transition `scheduled → publishing`: of several instances, one publishes it.
   */
  async publishDue(): Promise<number> {
    const now = this.#o.clock.now();
    let published = 0;
    for (const due of await this.#o.announcements.dueBy(now)) {
      const taken: AnnouncementRecord = { ...due, status: 'publishing', publishedAt: now.toISOString() };
      if (!(await this.#o.announcements.saveIf(taken, due))) continue;
      await this.#publish(taken, SYSTEM_ACTOR);
      published++;
    }
    return published;
  }

  /**
   * Announcements left `publishing` (their instance stopped while writing the deliveries) whose publishing started
   * before `startedBefore`: fanned out again, deliveries already stored kept as they are. Each is taken over by one
   * atomic update (its start moves to now), so of several instances one resumes it.
   */
  async resumePublishing(startedBefore: Date): Promise<void> {
    for (const stalled of await this.#o.announcements.list({ status: ['publishing'] })) {
      if (Date.parse(stalled.publishedAt ?? stalled.createdAt) >= startedBefore.getTime()) continue;
      const taken: AnnouncementRecord = { ...stalled, publishedAt: this.#o.clock.now().toISOString() };
      if (await this.#o.announcements.saveIf(taken, stalled)) await this.#publish(taken, SYSTEM_ACTOR);
    }
  }

  /**
   * Writes the deliveries a chunk of citizens at a time (the worker may start sending the first chunks meanwhile),
   * then marks the announcement published, pushes it to open widgets and records it, unless it was withdrawn or taken
   * over meanwhile.
   */
  async #publish(announcement: AnnouncementRecord, actor: string): Promise<void> {
    const now = this.#o.clock.now();
    const counts: Record<string, number> = {};
    for await (const records of this.#deliveriesFor(announcement, now)) {
      await this.#o.deliveries.enqueue(records);
      for (const d of records) {
        counts[`${d.channel}_${d.state}`] = (counts[`${d.channel}_${d.state}`] ?? 0) + 1;
        if (d.state === 'pending_window') this.#o.pendingWindow.add(d.citizenId);
      }
      void this.#o.worker.kick();
    }
    const published: AnnouncementRecord = { ...announcement, status: 'published' };
    if (!(await this.#o.announcements.saveIf(published, announcement))) {
      this.#o.log.info({ announcementId: announcement.id }, 'announcement withdrawn or taken over while publishing');
      return;
    }
    if (published.channels.includes('web') && this.#o.web) {
      const wire = toWire(published);
      // "all" reaches every open widget, including those on pages that name no commune.
      const targets = published.communes === 'all' ? ['all'] : published.communes;
      for (const communeId of targets) this.#o.web.broadcastToCommune(communeId, wire);
    }
    await this.#o.audit.record(actor, 'announcement.publish', published.id, counts);
    this.#o.log.info({ announcementId: published.id, ...counts }, 'announcement published');
  }

  /** The announcement's deliveries, a chunk of citizens at a time (Zalo), then one per commune (web). */
  async *#deliveriesFor(announcement: AnnouncementRecord, now: Date): AsyncGenerator<DeliveryRecord[]> {
    const at = now.toISOString();
    const record = (citizenId: string, channel: DeliveryRecord['channel'], state: DeliveryRecord['state'], reason: string | null) => ({
      id: `${announcement.id}|${citizenId}`,
      announcementId: announcement.id,
      citizenId,
      channel,
      state,
      reason,
      attempts: 0,
      updatedAt: at,
    });
    if (announcement.channels.includes('zalo')) {
      for await (const citizens of this.#o.citizens.inCommunesChunks(announcement.communes, PUBLISH_CHUNK)) {
        yield citizens
          .filter((citizen) => citizen.channel === 'zalo')
          .map((citizen) => record(citizen.id, 'zalo', ...this.#zaloStart(citizen, now)));
      }
    }
    if (announcement.channels.includes('web')) {
      yield this.#targetCommunes(announcement).map((communeId) => record(webTargetId(communeId), 'web', 'sent', null));
    }
  }

  #zaloStart(citizen: CitizenRecord, now: Date): [DeliveryRecord['state'], string | null] {
    if (!citizen.subscribed) return ['skipped', REASON.unsubscribed];
    if (!this.#o.zaloEnabled) return ['skipped', REASON.zaloOff];
    if (!insideZaloWindow(citizen.lastInteractionAt, now)) return ['pending_window', null];
    return ['queued', null];
  }

  #targetCommunes(announcement: AnnouncementRecord): string[] {
    return announcement.communes === 'all' ? this.#o.communes.all().map((c) => c.id) : announcement.communes;
  }

  #authorize(staff: StaffIdentity, communes: readonly string[] | 'all'): void {
    if (mayActOn(staff, communes)) return;
    throw new AppError('forbidden_commune',
      communes === 'all'
        ? 'Chỉ quản trị viên thành phố được gửi thông báo tới tất cả các xã/phường.'
        : 'Bạn chỉ được thao tác với thông báo của xã/phường mình phụ trách.',
    );
  }

  async #readable(staff: StaffIdentity, id: string): Promise<AnnouncementRecord> {
    const announcement = await this.#o.announcements.get(id);
    if (!announcement) throw new AppError('unknown_announcement');
    this.#authorize(staff, announcement.communes);
    return announcement;
  }
}
