import type { WireReply } from '../../src/channels/web/wire.js';
import { h } from './dom.js';
import type { StoredMessage } from './history.js';
import { safeHref } from './links.js';
import { t } from './strings.js';

/** The screening skill numbers its questions "Câu 3/9"; the widget shows that as a progress bar too. */
const PROGRESS = /\bCâu (\d{1,2})\s*\/\s*(\d{1,2})\b/;

export function progressOf(text: string): { step: number; total: number } | null {
  const m = PROGRESS.exec(text);
  if (!m) return null;
  const step = Number(m[1]);
  const total = Number(m[2]);
  return step >= 1 && step <= total ? { step, total } : null;
}

/** The log's id of the first message of push `id` (the push frame's replies are `push-<id>.0`, `.1`…). */
export const pushedId = (id: string): string => `push-${id}.0`;

/**
 * The bot's messages for `replies` (the answer to message `id`, or push `id`), as the log keeps them, less those it
 * already shows: a reply that repeats a pushed message (`pushId`: no instance confirmed the push in time, so it came
 * again with the next answer) is kept under the push's id, so the log has it once whichever of the two came first.
 */
export function answersOf(id: string, replies: readonly WireReply[], shown: (id: string) => boolean): StoredMessage[] {
  const answers: StoredMessage[] = [];
  for (const [i, r] of replies.entries()) {
    const key = r.pushId === undefined ? `${id}.${i}` : pushedId(r.pushId);
    if (r.pushId !== undefined && shown(key)) continue;
    answers.push({ id: key, from: 'bot', text: r.text, quickReplies: r.quickReplies, links: r.links });
  }
  return answers;
}

/** One message of the log. Every string goes in as a text node. */
export function renderMessage(m: StoredMessage, ownHosts: readonly string[], onRetry: (id: string) => void): HTMLDivElement {
  const bot = m.from === 'bot';
  const progress = bot ? progressOf(m.text) : null;
  const bubble = h('div', { class: 'b' }, h('span', { class: 'sr' }, `${bot ? t.bot : t.you}: `), m.text);
  if (progress) {
    bubble.prepend(
      h('progress', {
        max: String(progress.total),
        value: String(progress.step),
        'aria-label': `${t.progress}: ${progress.step}/${progress.total}`,
      }),
    );
  }
  if (m.links?.length) {
    bubble.append(
      h(
        'ul',
        { class: 'links', 'aria-label': t.linksLabel },
        ...m.links.map((link) => {
          const href = safeHref(link.url, ownHosts);
          return h(
            'li',
            {},
            href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, link.title) : `${link.title} (${link.url})`,
          );
        }),
      ),
    );
  }
  const item = h('div', { class: `msg ${bot ? 'bot' : 'user'}`, 'data-id': m.id }, bubble);
  if (m.state === 'pending') item.append(h('span', { class: 'meta' }, t.pending));
  if (m.state === 'failed') {
    const retry = h('button', { type: 'button' }, t.retry);
    retry.addEventListener('click', () => onRetry(m.id));
    item.append(h('span', { class: 'meta' }, `${t.failed} ${m.error ?? ''}`, retry));
  }
  return item;
}
