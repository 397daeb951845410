import type { ChannelId } from '../citizens/identity.js';
import { type DeliveryRecord, deliveryStates } from '../storage/records.js';
import { reasonLabel } from './delivery-reasons.js';

export type DeliveryState = DeliveryRecord['state'];

export interface ReasonCount {
  state: DeliveryState;
  /** As stored (for Zalo failures: Zalo's error code and message). */
  reason: string;
  /** In Vietnamese, for the console. */
  label: string;
  count: number;
}

export interface ChannelReport {
  total: number;
  counts: Record<DeliveryState, number>;
  /** Why deliveries failed, were skipped, wait, or were delivered late; most frequent first. */
  reasons: ReasonCount[];
}

export type DeliveryReport = Partial<Record<ChannelId, ChannelReport>>;

/** Counts per channel and state, and the reasons behind them: what the console shows the officer. */
export function summarizeDeliveries(records: Iterable<DeliveryRecord>, channels: readonly ChannelId[]): DeliveryReport {
  const report: DeliveryReport = {};
  const reasons = new Map<string, ReasonCount>();
  for (const channel of channels) {
    report[channel] = {
      total: 0,
      counts: Object.fromEntries(deliveryStates.map((s) => [s, 0])) as Record<DeliveryState, number>,
      reasons: [],
    };
  }
  for (const record of records) {
    const channel = report[record.channel];
    if (!channel) continue;
    channel.total++;
    channel.counts[record.state]++;
    if (record.reason === null) continue;
    const key = `${record.channel}\u0000${record.state}\u0000${record.reason}`;
    const entry = reasons.get(key);
    if (entry) entry.count++;
    else {
      const created = { state: record.state, reason: record.reason, label: reasonLabel(record.reason), count: 1 };
      reasons.set(key, created);
      channel.reasons.push(created);
    }
  }
  for (const channel of Object.values(report)) channel.reasons.sort((a, b) => b.count - a.count);
  return report;
}
