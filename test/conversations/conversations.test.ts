/**
 * Conversation tests as data (issue 16, item 6). Every `test/conversations/*.yaml` file holds a list of conversations;
 * each one is played on the web widget's API (POST /api/chat) and on Zalo (signed webhook events, replies read from
 * the mock Zalo), unless it names its channels. See README.md in this folder for the format.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { buildApp } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Reply } from '../../src/engine/types.js';
import type { Storage } from '../../src/storage/repositories.js';
import { fold } from '../../src/text/fold.js';
import { MockZalo } from '../support/mock-zalo/server.js';
import { openTestStorage, testServiceEnv } from '../support/storage.js';

// ——— The format ———

const CHANNELS = ['web', 'zalo'] as const;
type Channel = (typeof CHANNELS)[number];

/** The clock of a conversation that sets no `date` (10:00 in Hải Phòng, outside quiet hours). */
const DEFAULT_DATE = '2026-12-06T03:00:00Z';
/** How long a Zalo turn may take before the step fails (generous: the suite may share the machine). */
const ZALO_TURN_DEADLINE_MS = 20_000;

const texts = z.union([z.string().min(1), z.array(z.string().min(1))]).transform((v) => (typeof v === 'string' ? [v] : v));

const stepSchema = z
  .object({
    say: z.string().min(1).optional(),
    tap: z.string().min(1).optional(),
    expect: texts.optional(),
    reject: texts.optional(),
    buttons: texts.optional(),
  })
  .strict()
  .refine((s) => (s.say === undefined) !== (s.tap === undefined), { message: 'a step has exactly one of "say" and "tap"' });

const conversationSchema = z
  .object({
    name: z.string().min(1),
    channels: z.array(z.enum(CHANNELS)).min(1).optional(),
    date: z
      .string()
      .refine((d) => !Number.isNaN(new Date(d).getTime()), { message: 'not a date, e.g. "2026-12-06T03:00:00Z"' })
      .optional(),
    /** Not passing yet: listed with it.todo and the reason, not run. */
    todo: z.string().min(1).optional(),
    /** Keep the first-contact privacy notice in the first step's reply (it is dropped otherwise). */
    notice: z.boolean().optional(),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

type Step = z.infer<typeof stepSchema>;
type Conversation = z.infer<typeof conversationSchema>;

interface ConversationFile {
  file: string;
  conversations: Conversation[];
}

const HERE = fileURLToPath(new URL('.', import.meta.url));

function loadConversationFiles(): ConversationFile[] {
  const files = readdirSync(HERE)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  return files.map((file) => {
    const data: unknown = parse(readFileSync(join(HERE, file), 'utf8'));
    const parsed = z.array(conversationSchema).min(1).safeParse(data);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `  at ${i.path.join('.') || '(top)'}: ${i.message}`).join('\n');
      throw new Error(`test/conversations/${file} is not a valid conversation file:\n${issues}`);
    }
    const names = new Set<string>();
    for (const c of parsed.data) {
      if (names.has(c.name)) throw new Error(`test/conversations/${file}: two conversations are named "${c.name}"`);
      names.add(c.name);
    }
    return { file, conversations: parsed.data };
  });
}

// ——— What one turn looks like, whatever the channel ———

interface Turn {
  /** The bubbles as the citizen sees them (Zalo: the messages' texts, numbered menus included). */
  bubbles: string[];
  /** The bubbles expectations are checked against: the privacy notice and Zalo's numbered menus left out. */
  content: string;
  /** The quick replies offered (web: the replies' buttons; Zalo: the numbered menu's titles). */
  buttons: string[];
  /** Web: the quick replies with their payloads, for a `tap`. */
  quickReplies?: { title: string; payload: string }[];
}

interface ChatUser {
  /** Sends a typed message, or taps a quick reply of the previous turn. */
  send(step: Step, previous: Turn | null): Promise<Turn>;
}

interface ChannelBed {
  clock: ManualClock;
  /** A citizen never seen before; `keepNotice` keeps the first-contact privacy notice in the checked content. */
  newUser(keepNotice: boolean): ChatUser;
  close(): Promise<void>;
}

const NOTICE_OPENING = fold('Về dữ liệu của bạn:');
const isNotice = (text: string) => fold(text).startsWith(NOTICE_OPENING);
const PRIVACY_LINK = fold('Chính sách bảo vệ dữ liệu cá nhân:');
/** A Zalo message without the first-contact notice and its link, which a long turn merges with the answer. */
const withoutNotice = (text: string) => {
  const paragraphs = text.split('\n\n');
  while (paragraphs.length > 0 && (isNotice(paragraphs[0]!) || fold(paragraphs[0]!).startsWith(PRIVACY_LINK))) paragraphs.shift();
  return paragraphs.join('\n\n');
};

/** Zalo shows quick replies as "Nhắn số để chọn:" followed by "1. title" lines (see renderReply). */
const MENU_HEADER = 'Nhắn số để chọn:';

function splitZaloMenu(text: string): { body: string; titles: string[] } {
  const at = text.lastIndexOf(MENU_HEADER);
  if (at < 0) return { body: text, titles: [] };
  const lines = text.slice(at + MENU_HEADER.length).split('\n');
  const titles: string[] = [];
  for (const line of lines) {
    const match = /^(\d{1,2})\. (.*)$/.exec(line.trim());
    if (match) titles.push(match[2]!);
  }
  return { body: text.slice(0, at).trimEnd(), titles };
}

function webBubble(reply: Reply): string {
  const links = reply.links?.map((l) => `${l.title}: ${l.url}`).join('\n');
  return links ? `${reply.text}\n\n${links}` : reply.text;
}

async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

async function configFor(dataDir: string, env: Record<string, string> = {}) {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', DATA_DIR: dataDir, ...(await testServiceEnv(dataDir)), ...env });
}

async function startWebBed(): Promise<ChannelBed> {
  const dataDir = await tempDir('conversations-web-');
  const clock = new ManualClock(DEFAULT_DATE);
  const storage = await openTestStorage(dataDir);
  const app: FastifyInstance = await buildApp(await configFor(dataDir), { clock, storage });
  await app.ready();
  return {
    clock,
    newUser: (keepNotice) => {
      let sessionId: string | undefined;
      let first = !keepNotice;
      return {
        async send(step, previous) {
          let body: { text?: string; payload?: string };
          if (step.tap !== undefined) {
            const button = previous?.quickReplies?.find((q) => q.title === step.tap);
            if (!button) throw new Error(`no quick reply titled "${step.tap}" in the previous reply (buttons: ${JSON.stringify(previous?.buttons ?? [])})`);
            body = { payload: button.payload };
          } else body = { text: step.say };
          const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId, ...body } });
          if (res.statusCode !== 200) throw new Error(`/api/chat answered ${res.statusCode}: ${res.body}`);
          const answer = res.json() as { sessionId: string; replies: Reply[] };
          sessionId = answer.sessionId;
          const wasFirst = first;
          first = false;
          const replies = answer.replies;
          const shown = replies.filter((r, i) => !(wasFirst && i === 0 && isNotice(r.text)));
          const quickReplies = replies.flatMap((r) => r.quickReplies ?? []);
          return {
            bubbles: replies.map(webBubble),
            content: shown.map(webBubble).join('\n\n'),
            buttons: quickReplies.map((q) => q.title),
            quickReplies,
          };
        },
      };
    },
    close: async () => {
      await app.close();
      // The app leaves a storage it was given open (on PostgreSQL: a pool of connections).
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function startZaloBed(): Promise<ChannelBed> {
  const dataDir = await tempDir('conversations-zalo-');
  const clock = new ManualClock(DEFAULT_DATE);
  const mock = await MockZalo.start({ clock });
  const storage: Storage = await openTestStorage(dataDir);
  const app = await buildApp(await configFor(dataDir, mock.env()), { clock, storage });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  mock.webhookUrl = `${url}/webhooks/zalo`;
  let users = 0;
  const prefix = String(1 + (randomBytes(2).readUInt16BE() % 8));

  /** The citizen's events still being handled (acknowledged, replies not all sent). */
  const pending = async (userId: string) => (await storage.journal.unfinished()).some((e) => e.citizenId === `zalo:${userId}`);

  return {
    clock,
    newUser: (keepNotice) => {
      users += 1;
      const userId = `${prefix}${String(Date.now()).slice(-9)}${String(users).padStart(9, '0')}`;
      let first = !keepNotice;
      return {
        async send(step, previous) {
          let text: string;
          if (step.tap !== undefined) {
            // As a citizen answers Zalo's numbered menu: with the number of the button.
            const index = previous?.buttons.indexOf(step.tap) ?? -1;
            if (index < 0) throw new Error(`no numbered choice "${step.tap}" in the previous reply (choices: ${JSON.stringify(previous?.buttons ?? [])})`);
            text = String(index + 1);
          } else text = step.say!;
          const before = mock.messagesTo(userId).length;
          const delivery = await mock.userSendsText(userId, text);
          if (delivery.status !== 200) throw new Error(`the webhook answered ${delivery.status}: ${delivery.body}`);
          // Poll the mock until the event is handled and its replies are all sent (the journal marks it done last).
          const deadline = Date.now() + ZALO_TURN_DEADLINE_MS;
          while ((await pending(userId)) || mock.messagesTo(userId).length === before) {
            if (Date.now() > deadline) {
              const got = mock.messagesTo(userId).slice(before).map((m) => m.text);
              throw new Error(`no complete reply from Zalo within ${ZALO_TURN_DEADLINE_MS / 1000} s (got ${JSON.stringify(got)})`);
            }
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          const bubbles = mock.messagesTo(userId).slice(before).map((m) => m.text);
          const wasFirst = first;
          first = false;
          let buttons: string[] = [];
          const bodies: string[] = [];
          bubbles.forEach((bubble, i) => {
            const { body, titles } = splitZaloMenu(wasFirst && i === 0 ? withoutNotice(bubble) : bubble);
            if (titles.length) buttons = titles;
            if (body) bodies.push(body);
          });
          return { bubbles, content: bodies.join('\n\n'), buttons };
        },
      };
    },
    close: async () => {
      await app.close();
      await storage.close();
      await mock.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// ——— Checking a turn ———

function checkTurn(where: string, step: Step, turn: Turn): void {
  const folded = fold(turn.content);
  const problems: string[] = [];
  for (const wanted of step.expect ?? []) {
    if (!folded.includes(fold(wanted))) problems.push(`expected "${wanted}"`);
  }
  for (const unwanted of step.reject ?? []) {
    if (fold(unwanted) && folded.includes(fold(unwanted))) problems.push(`rejected "${unwanted}" appears`);
  }
  for (const title of step.buttons ?? []) {
    if (!turn.buttons.includes(title)) problems.push(`no button "${title}"`);
  }
  if (problems.length === 0) return;
  throw new Error(
    `${where}: ${problems.join('; ')}\n` +
      `— buttons: ${JSON.stringify(turn.buttons)}\n` +
      `— full reply (${turn.bubbles.length} bubble(s)):\n${turn.bubbles.map((b, i) => `[${i + 1}] ${b}`).join('\n')}`,
  );
}

async function play(file: string, conversation: Conversation, channel: Channel, bed: ChannelBed): Promise<void> {
  bed.clock.set(conversation.date ?? DEFAULT_DATE);
  const user = bed.newUser(conversation.notice === true);
  let previous: Turn | null = null;
  for (const [i, step] of conversation.steps.entries()) {
    const said = step.say !== undefined ? `say "${step.say}"` : `tap "${step.tap}"`;
    const where = `test/conversations/${file} › "${conversation.name}" › step ${i + 1} (${said}) on ${channel}`;
    let turn: Turn;
    try {
      turn = await user.send(step, previous);
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
    checkTurn(where, step, turn);
    previous = turn;
  }
}

// ——— The suite ———

const RUN_TODO = process.env.CONVERSATIONS_TODO === 'run';
const files = loadConversationFiles();

// ——— Phone-sized replies (issue 16): every bubble of the suite is measured ———

/** Over the whole suite, on both channels. */
const MAX_MEDIAN_BUBBLE = 600;
const MAX_BUBBLE = 1_000;
/** The one answer allowed to be longer: the self-assessment's full list of entitlements, next steps and disclaimer. */
const LONG_ANSWER_TAP = 'Xem tất cả quyền lợi';

interface Bubble {
  length: number;
  where: string;
  /** Part of the answer allowed to be long. */
  exempt: boolean;
}
const bubbles: Bubble[] = [];
/** Zalo turns answered in more messages than a phone shows at once. */
const MAX_ZALO_MESSAGES = 2;
const crowdedTurns: string[] = [];

/** The channel's bed, its citizens' turns measured bubble by bubble. */
function measured(start: () => Promise<ChannelBed>, channel: Channel): () => Promise<ChannelBed> {
  return async () => {
    const bed = await start();
    return {
      ...bed,
      newUser: (keepNotice) => {
        const user = bed.newUser(keepNotice);
        return {
          async send(step, previous) {
            const turn = await user.send(step, previous);
            const said = step.say !== undefined ? `say "${step.say}"` : `tap "${step.tap}"`;
            if (channel === 'zalo' && turn.bubbles.length > MAX_ZALO_MESSAGES) crowdedTurns.push(`${said}: ${turn.bubbles.length} messages`);
            for (const [i, text] of turn.bubbles.entries()) {
              bubbles.push({ length: text.length, where: `${channel} › ${said} › bubble ${i + 1}`, exempt: step.tap === LONG_ANSWER_TAP });
            }
            return turn;
          },
        };
      },
    };
  };
}

afterAll(() => {
  if (bubbles.length === 0) return;
  const lengths = bubbles.map((b) => b.length).sort((a, b) => a - b);
  const middle = lengths.length / 2;
  const median = lengths.length % 2 ? lengths[Math.floor(middle)]! : (lengths[middle - 1]! + lengths[middle]!) / 2;
  const longest = [...bubbles].sort((a, b) => b.length - a.length);
  const tooLong = longest.filter((b) => !b.exempt && b.length > MAX_BUBBLE);
  const named = (list: Bubble[]) => list.slice(0, 10).map((b) => `  ${b.length} ${b.where}`).join('\n');
  const problems: string[] = [];
  if (median > MAX_MEDIAN_BUBBLE) problems.push(`the median bubble is ${median} characters (at most ${MAX_MEDIAN_BUBBLE})`);
  if (crowdedTurns.length) problems.push(`Zalo turns of more than ${MAX_ZALO_MESSAGES} messages:\n  ${crowdedTurns.join('\n  ')}`);
  if (tooLong.length) problems.push(`${tooLong.length} bubble(s) over ${MAX_BUBBLE} characters:\n${named(tooLong)}`);
  const limited = longest.filter((b) => !b.exempt);
  console.info(`Bubbles: ${bubbles.length}, median ${median} characters; longest outside the full list:\n${named(limited.slice(0, 3))}`);
  if (problems.length) throw new Error(`Replies too long for a phone: ${problems.join('; ')}\nLongest bubbles:\n${named(longest)}`);
});

const starters: Record<Channel, () => Promise<ChannelBed>> = { web: measured(startWebBed, 'web'), zalo: measured(startZaloBed, 'zalo') };

for (const { file, conversations } of files) {
  for (const channel of CHANNELS) {
    const mine = conversations.filter((c) => !c.channels || c.channels.includes(channel));
    if (mine.length === 0) continue;
    describe(`${file} [${channel}]`, () => {
      // One service per channel and file; a fresh citizen per conversation.
      let bed: ChannelBed | undefined;
      const running = RUN_TODO || mine.some((c) => !c.todo);
      beforeAll(async () => {
        if (running) bed = await starters[channel]();
      });
      afterAll(async () => {
        await bed?.close();
      });
      for (const conversation of mine) {
        const run = () => play(file, conversation, channel, bed!);
        if (!conversation.todo) it(conversation.name, run);
        // CONVERSATIONS_TODO=run plays the todo ones too, expecting them to fail: one that passes is reported.
        else if (RUN_TODO) it.fails(`${conversation.name} — todo: ${conversation.todo}`, run);
        else it.todo(`${conversation.name} — todo: ${conversation.todo}`);
      }
    });
  }
}
