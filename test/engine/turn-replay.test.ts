import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { ConversationSession, Reply } from '../../src/engine/types.js';
import { provinceWeek } from '../../src/stats/weeks.js';
import type { Storage } from '../../src/storage/repositories.js';
import { openTestStorage, testServiceEnv } from '../support/storage.js';

/**
 * A message handed to the engine again under the same id (Zalo's journal id): the service died after the message's
 * turn had saved the session and before the channel kept the replies. After the restart (the session as that turn left
 * it) the message gets its first turn's replies again, the session stays as after one turn, and it is counted once.
 * On the default storage the session comes back from the snapshot a clean stop writes, as one written by the periodic
 * snapshot after the turn would; on PostgreSQL + Redis from Redis.
 */
const USER = '4000000000000000777';
const KEY = `zalo:${USER}`;
const clock = new ManualClock('2026-12-06T03:00:00Z');

let dataDir: string;
let storage: Storage;
let app: FastifyInstance;
let turns = 0;

async function start(): Promise<void> {
  storage = await openTestStorage(dataDir);
  const env = { DATA_DIR: dataDir, ...(await testServiceEnv(dataDir)), LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' };
  app = await buildApp(loadConfig(env), { clock, storage });
  await app.ready();
}

async function stop(): Promise<void> {
  await app.close();
  await storage.close();
}

afterEach(async () => {
  await stop();
  await rm(dataDir, { recursive: true, force: true });
});

interface Turn {
  id: string;
  text: string;
  replies: Reply[];
}

/** A Zalo message under a fresh journal id. */
async function say(text: string): Promise<Turn> {
  const id = `journal-${++turns}`;
  return { id, text, replies: await app.engine.handle({ channel: 'zalo', userId: USER, text, id }) };
}

/** The session as a turn leaves it: what is kept of it, without when it was last written or what it knows of storage. */
function sessionState(): Record<string, unknown> {
  const session = app.engine.sessions.peek(KEY) as (ConversationSession & { id?: string }) | undefined;
  if (!session) throw new Error('no session');
  const { id: _id, lastActiveAt: _at, known: _known, ...state } = session;
  return JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
}

const texts = (replies: Reply[]) => replies.map((r) => r.text).join('\n\n');

/** The questions counted for the dashboard this week. */
async function questionsCounted(): Promise<number> {
  await app.stats.settled();
  const week = provinceWeek(clock.now());
  const records = await storage.stats.between(week, week, 'all');
  return records.filter((r) => r.measure === 'question').reduce((n, r) => n + r.count, 0);
}

/**
 * The last message was handled; the service dies (here: stops) and starts again on the same data, and the message is
 * handed to the engine again under its id: it gets what it got the first time, and changes nothing.
 */
async function replayedAfterRestart(last: Turn): Promise<void> {
  const session = sessionState();
  const counted = await questionsCounted();
  await stop();
  await start();
  const again = await app.engine.handle({ channel: 'zalo', userId: USER, text: last.text, id: last.id });
  expect(texts(again)).toBe(texts(last.replies));
  expect(again).toEqual(JSON.parse(JSON.stringify(last.replies)));
  expect(sessionState()).toEqual(session);
  expect(await questionsCounted()).toBe(counted);
}

describe('a message handled again under the same id', () => {
  it('in a self-assessment: the answer to a question is not taken as the answer to the next one', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'turn-replay-'));
    await start();
    await say('xin chào');
    expect(texts((await say('tu danh gia ho ngheo')).replies)).toContain('Câu 1/15');
    expect(texts((await say('xa')).replies)).toContain('Câu 2/15');
    const answer = await say('4');
    expect(texts(answer.replies)).toContain('Câu 3/15');
    await replayedAfterRestart(answer);
    // The flow goes on from question 3, which "4 triệu" answers.
    expect(texts((await say('4 triệu')).replies)).toContain('Câu 4/15');
  });

  it('after a follow-up: the follow-up is not read in the context of its own answer', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'turn-replay-'));
    await start();
    await say('xin chào');
    await say('chuẩn nghèo là gì');
    const followUp = await say('còn hộ cận nghèo thì sao');
    expect(texts(followUp.replies)).toContain('Hộ cận nghèo là hộ có thu nhập bình quân đầu người');
    await replayedAfterRestart(followUp);
  });
});
