import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPovertyRules } from '../../../src/content/standards.js';
import { indicatorsOf, standardOn } from '../../../src/domain/poverty/standards.js';
import type { FlowState } from '../../../src/engine/types.js';
import { freshData, readState, type ScreeningState, toFlow } from '../../../src/skills/screening/flow-state.js';

const rules = await loadPovertyRules(fileURLToPath(new URL('../../../content/standards', import.meta.url)));
const standard = standardOn(rules.standards, '2026-11-28')!;
const start = freshData(standard, '2026-11-28');
const state: ScreeningState = {
  standard,
  data: { ...start, area: 'rural', householdSize: 4, income: { amount: 4_000_000 }, answers: { employment: false } },
  history: [
    { step: 'area', data: start },
    { step: 'size', data: { ...start, area: 'rural' } },
  ],
};
const next = { kind: 'indicator' as const, indicator: indicatorsOf(standard)[1]! };
/** A session's flow as another instance reads it from Redis (or a restart from a snapshot): a copy, not the object. */
const handedOver = (flow: FlowState): FlowState => JSON.parse(JSON.stringify(flow));

describe('the screening flow kept in the session', () => {
  it('reads back what it wrote, in this process and handed over to another instance', () => {
    const flow = toFlow(state, next);
    expect(flow.stamp).toMatch(/^[\w-]{16}$/);
    expect(readState(rules, flow)).toEqual(state);
    expect(readState(rules, handedOver(flow))).toEqual(state);
  });

  it('takes a flow with this version’s stamp as written; validates any other, and drops it when it does not fit', () => {
    const flow = handedOver(toFlow(state, next));
    // A shape no flow of this version has: taken as written only under the stamp (the stamp vouches for the writer).
    const odd = { ...flow, data: { ...flow.data, misses: -1 } };
    expect(readState(rules, odd)?.data.misses).toBe(-1);
    const { stamp: _stamp, ...older } = flow;
    expect(readState(rules, older)).toEqual(state);
    expect(readState(rules, { ...odd, stamp: undefined })).toBeNull();
    expect(readState(rules, { ...odd, stamp: 'another-version0' })).toBeNull();
    const oddHistory = { ...older, history: [{ step: 'area', data: { ...start, misses: 'none' } }] };
    expect(readState(rules, oddHistory)).toBeNull();
  });

  it('checks the content under the stamp too: another instance may run other content', () => {
    const flow = handedOver(toFlow(state, next));
    expect(readState(rules, { ...flow, data: { ...flow.data, standardId: 'gone' } })).toBeNull();
    expect(readState(rules, { ...flow, data: { ...flow.data, answers: { removed: true } } })).toBeNull();
  });
});
