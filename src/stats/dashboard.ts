import type { ChannelId } from '../citizens/identity.js';
import type { DeliveryRecord, StatRecord } from '../storage/records.js';
import type { Storage } from '../storage/repositories.js';
import { cell, type Figure, isExact, sumOf } from './figures.js';
import { CHANNEL_LABELS, REACH_STATES, type ReachState, topicLabel } from './labels.js';
import { RESPONSE_BANDS, type ResponseBand } from './programme-stats.js';
import { mondayOf, weeksBetween } from './weeks.js';

export interface DashboardQuery {
  /** ISO weeks, both included. */
  fromWeek: string;
  toWeek: string;
  /** The communes counted ("all": the whole city, citizens of no known commune included). */
  communes: readonly string[] | 'all';
}

export interface Shares {
  bot: number;
  staff: number;
  unanswered: number;
}

export interface OutcomeRow {
  /** An ISO week, or "all" for the whole period. */
  week: string;
  bot: Figure;
  staff: Figure;
  unanswered: Figure;
  /** Per cent, one decimal; only when all three counts are published exactly. */
  shares: Shares | null;
}

export interface DashboardReport {
  fromWeek: string;
  toWeek: string;
  communes: string[] | 'all';
  weeks: { week: string; monday: string }[];
  /** Questions per topic: one figure per week, and the period's; the most asked first ("fallback": unanswered). */
  topics: { topic: string; label: string; weeks: Figure[]; total: Figure }[];
  /** Per week, then the whole period ("all"): answered by the bot, passed to staff, unanswered. */
  outcomes: OutcomeRow[];
  /** Staff's first replies to handed-over conversations, in bands of time. */
  responseTimes: {
    bands: { band: ResponseBand; label: string; count: Figure }[];
    responses: Figure;
    /** Only when at least 5 replies are counted. */
    meanMinutes: number | null;
  };
  /** Announcements published in the period: deliveries per channel and state ("read" is not known on either channel). */
  reach: { channel: ChannelId; label: string; states: Record<ReachState, Figure>; total: Figure; read: null }[];
  /** Finished self-assessments per household category. */
  screening: { categories: { category: string; label: string; count: Figure }[]; total: Figure };
}

export interface DashboardSources {
  storage: Pick<Storage, 'stats' | 'announcements' | 'deliveries' | 'citizens'>;
  /** Household categories in the order shown, with their labels. */
  categories: readonly { id: string; label: string }[];
}

const DAY_MS = 86_400_000;
const FALLBACK = 'fallback';

/**
 * The programme dashboard's figures for a period and communes: every count is of a group (a week × topic, a
 * channel × state…), published under the "< 5" rule of figures.ts, and every total is a sumOf its published parts.
 */
export async function buildDashboard({ storage, categories }: DashboardSources, query: DashboardQuery): Promise<DashboardReport> {
  const weeks = weeksBetween(query.fromWeek, query.toWeek);
  const records = await storage.stats.between(query.fromWeek, query.toWeek, query.communes);
  const weekIndex = new Map(weeks.map((w, i) => [w, i]));
  const perWeek = () => weeks.map(() => 0);

  const questions = new Map<string, number[]>();
  const handoffs = perWeek();
  const bands = new Map<string, { count: number; seconds: number }>();
  const screened = new Map<string, number>();
  for (const r of records) {
    const i = weekIndex.get(r.week);
    if (i === undefined) continue;
    switch (r.measure) {
      case 'question': {
        const topic = topicOf(r);
        const row = questions.get(topic) ?? perWeek();
        row[i]! += r.count;
        questions.set(topic, row);
        break;
      }
      case 'handoff':
        handoffs[i]! += r.count;
        break;
      case 'staff_response': {
        const band = bands.get(r.key) ?? { count: 0, seconds: 0 };
        band.count += r.count;
        band.seconds += r.seconds ?? 0;
        bands.set(r.key, band);
        break;
      }
      case 'screening':
        screened.set(r.key, (screened.get(r.key) ?? 0) + r.count);
        break;
    }
  }

  const rawTotal = (row: number[]) => row.reduce((a, b) => a + b, 0);
  const topics = [...questions.entries()]
    .sort(([a, x], [b, y]) => rawTotal(y) - rawTotal(x) || a.localeCompare(b))
    .map(([topic, row]) => ({ topic, label: topicLabel(topic), weeks: row.map(cell), total: sumOf(row) }));

  const unanswered = questions.get(FALLBACK) ?? perWeek();
  const answeredRows = [...questions.entries()].filter(([topic]) => topic !== FALLBACK).map(([, row]) => row);
  const outcomes: OutcomeRow[] = weeks.map((week, i) =>
    outcomeRow(week, sumOf(answeredRows.map((row) => row[i]!)), cell(handoffs[i]!), cell(unanswered[i]!)),
  );
  outcomes.push(outcomeRow('all', sumOf(answeredRows.flat()), sumOf(handoffs), sumOf(unanswered)));

  const bandCounts = RESPONSE_BANDS.map((b) => bands.get(b.key) ?? { count: 0, seconds: 0 });
  const responses = bandCounts.reduce((a, b) => a + b.count, 0);
  const seconds = bandCounts.reduce((a, b) => a + b.seconds, 0);

  return {
    fromWeek: query.fromWeek,
    toWeek: query.toWeek,
    communes: query.communes === 'all' ? 'all' : [...query.communes],
    weeks: weeks.map((week) => ({ week, monday: mondayOf(week) })),
    topics,
    outcomes,
    responseTimes: {
      bands: RESPONSE_BANDS.map((b, i) => ({ band: b.key, label: b.label, count: cell(bandCounts[i]!.count) })),
      responses: sumOf(bandCounts.map((b) => b.count)),
      meanMinutes: responses >= 5 ? Math.round((seconds / responses / 60) * 10) / 10 : null,
    },
    reach: await reachOf(storage, query),
    screening: {
      categories: categories.map(({ id, label }) => ({ category: id, label, count: cell(screened.get(id) ?? 0) })),
      total: sumOf(categories.map(({ id }) => screened.get(id) ?? 0)),
    },
  };
}

function topicOf(record: StatRecord): string {
  return record.key.slice(0, record.key.lastIndexOf('|'));
}

function outcomeRow(week: string, bot: Figure, staff: Figure, unanswered: Figure): OutcomeRow {
  let shares: Shares | null = null;
  if (isExact(bot) && isExact(staff) && isExact(unanswered) && bot + staff + unanswered > 0) {
    const total = bot + staff + unanswered;
    const pct = (n: number) => Math.round((n / total) * 1000) / 10;
    shares = { bot: pct(bot), staff: pct(staff), unanswered: pct(unanswered) };
  }
  return { week, bot, staff, unanswered, shares };
}

const REACH_OF: Record<DeliveryRecord['state'], ReachState> = {
  sent: 'sent',
  failed: 'failed',
  skipped: 'skipped',
  queued: 'waiting',
  sending: 'waiting',
  pending_window: 'waiting',
};

/**
 * Deliveries of the announcements published in the period (by the delivery records, which retention keeps for a
 * while), counted for the citizens of the communes asked for.
 */
async function reachOf(storage: DashboardSources['storage'], query: DashboardQuery): Promise<DashboardReport['reach']> {
  const from = Date.parse(`${mondayOf(query.fromWeek)}T00:00:00+07:00`);
  const to = Date.parse(`${mondayOf(query.toWeek)}T00:00:00+07:00`) + 7 * DAY_MS;
  const scope = query.communes === 'all' ? undefined : query.communes;
  const announcements = (await storage.announcements.list(scope ? { communes: scope } : {})).filter((a) => {
    const at = a.publishedAt ? Date.parse(a.publishedAt) : Number.NaN;
    return at >= from && at < to;
  });
  const citizensInScope = scope ? new Set((await storage.citizens.inCommunes(scope)).map((c) => c.id)) : null;
  const counts = new Map<ChannelId, Record<ReachState, number>>(
    (Object.keys(CHANNEL_LABELS) as ChannelId[]).map((c) => [c, { sent: 0, failed: 0, skipped: 0, waiting: 0 }]),
  );
  for (const announcement of announcements) {
    for (const d of await storage.deliveries.forAnnouncement(announcement.id)) {
      if (citizensInScope && !citizensInScope.has(d.citizenId)) continue;
      const row = counts.get(d.channel);
      if (row) row[REACH_OF[d.state]]++;
    }
  }
  return [...counts.entries()].map(([channel, row]) => ({
    channel,
    label: CHANNEL_LABELS[channel],
    states: Object.fromEntries(REACH_STATES.map((s) => [s, cell(row[s])])) as Record<ReachState, Figure>,
    total: sumOf(REACH_STATES.map((s) => row[s])),
    read: null,
  }));
}
