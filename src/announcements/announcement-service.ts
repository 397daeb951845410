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
      publishedAt: null,
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
    this.#o.worker.forget(id);
    const waiting = (await this.#o.deliveries.forAnnouncement(id)).filter(
      (d) => d.state === 'queued' || d.state === 'pending_window',
    );
    await this.#o.deliveries.update(
      waiting.map((d) => ({ ...d, state: 'skipped' as const, reason: REASON.withdrawn, updatedAt: now })),
    );
    await this.#o.audit.record(staff.username, 'announcement.withdraw', id, { notSent: waiting.length });
    return withdrawn;
  }

  /** Publishes scheduled announcements whose time has come (the timer calls this with the injected clock). */
  async publishDue(): Promise<number> {
    const due = await this.#o.announcements.dueBy(this.#o.clock.now());
    for (const announcement of due) await this.#publish(announcement, SYSTEM_ACTOR);
    return due.length;
  }

  /** After a crash between "publishing" and "published": fan out again; deliveries already stored are kept as they are. */
  async resumePublishing(): Promise<void> {
    for (const announcement of await this.#o.announcements.list({ status: ['publishing'] })) {
      await this.#publish(announcement, SYSTEM_ACTOR);
    }
  }

  async #publish(announcement: AnnouncementRecord, actor: string): Promise<void> {
    const now = this.#o.clock.now();
    if (announcement.status !== 'publishing') {
      announcement = { ...announcement, status: 'publishing' };
      await this.#o.announcements.save(announcement);
    }
    const known = new Set((await this.#o.deliveries.forAnnouncement(announcement.id)).map((d) => d.id));
    const records = (await this.#deliveriesFor(announcement, now)).filter((d) => !known.has(d.id));
    await this.#o.deliveries.enqueue(records);
    const published: AnnouncementRecord = { ...announcement, status: 'published', publishedAt: now.toISOString() };
    await this.#o.announcements.save(published);

    for (const d of records) if (d.state === 'pending_window') this.#o.pendingWindow.add(d.citizenId);
    this.#o.worker.add(records);
    if (published.channels.includes('web') && this.#o.web) {
      const wire = toWire(published);
      // "all" reaches every open widget, including those on pages that name no commune.
      const targets = published.communes === 'all' ? ['all'] : published.communes;
      for (const communeId of targets) this.#o.web.broadcastToCommune(communeId, wire);
    }
    const counts = countStates(records);
    await this.#o.audit.record(actor, 'announcement.publish', published.id, counts);
    this.#o.log.info({ announcementId: published.id, ...counts }, 'announcement published');
    void this.#o.worker.kick();
  }

  async #deliveriesFor(announcement: AnnouncementRecord, now: Date): Promise<DeliveryRecord[]> {
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
    const records: DeliveryRecord[] = [];
    if (announcement.channels.includes('zalo')) {
      for (const citizen of await this.#o.citizens.inCommunes(announcement.communes)) {
        if (citizen.channel !== 'zalo') continue;
        const [state, reason] = this.#zaloStart(citizen, now);
        records.push(record(citizen.id, 'zalo', state, reason));
      }
    }
    if (announcement.channels.includes('web')) {
      for (const communeId of this.#targetCommunes(announcement)) records.push(record(webTargetId(communeId), 'web', 'sent', null));
    }
    return records;
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

function countStates(records: readonly DeliveryRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of records) counts[`${r.channel}_${r.state}`] = (counts[`${r.channel}_${r.state}`] ?? 0) + 1;
  return counts;
}
