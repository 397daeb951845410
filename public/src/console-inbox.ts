/**
 * The staff inbox: questions citizens handed to their commune's staff. The list and the open conversation follow the
 * server's event stream (api/staff/conversations/events), and the tab shows how many wait or are open.
 */
import { api } from './console-api.js';
import type { ConsoleContext } from './console-context.js';
import { when } from './console-format.js';
import { h, replaceChildren } from './dom.js';

type Status = 'waiting' | 'open' | 'closed';
type Outcome = 'answered' | 'referred' | 'no_response' | 'other' | 'cancelled' | 'unclaimed' | 'timed_out';

interface Summary {
  id: string;
  channel: 'web' | 'zalo';
  communeName: string;
  status: Status;
  assignee: string | null;
  createdAt: string;
  outcome: Outcome | null;
  preview: string;
  messageCount: number;
  lastAt: string;
}

interface Line {
  id: string;
  at: string;
  from: 'citizen' | 'bot' | 'officer' | 'note' | 'system';
  author: string | null;
  text: string;
  delivery?: 'delivered' | 'waiting';
}

interface Detail extends Omit<Summary, 'preview' | 'messageCount' | 'lastAt'> {
  messages: Line[];
  reachable: boolean;
  claimedAt: string | null;
  closedAt: string | null;
  deadlineAt: string | null;
}

const STATUS: Record<Status, string> = { waiting: 'Đang chờ', open: 'Đang trả lời', closed: 'Đã đóng' };
const OUTCOME: Record<Outcome, string> = {
  answered: 'Đã trả lời',
  referred: 'Chuyển nơi khác giải quyết',
  no_response: 'Người dân không phản hồi',
  other: 'Khác',
  cancelled: 'Người dân hủy yêu cầu',
  unclaimed: 'Không ai nhận kịp (về trợ lý)',
  timed_out: 'Quá hạn trả lời (về trợ lý)',
};
const FROM: Record<Line['from'], string> = { citizen: 'Người dân', bot: 'Trợ lý', officer: 'Cán bộ', note: 'Ghi chú nội bộ', system: 'Hệ thống' };
const CHANNEL = { web: 'Trang web', zalo: 'Zalo' } as const;

/** The event stream, shared by the badge and whichever inbox view is shown. */
export class InboxLive {
  readonly #listeners = new Set<(id: string) => void>();
  #source: EventSource | null = null;

  constructor(private readonly badge: HTMLElement) {}

  start(): void {
    this.#source = new EventSource('api/staff/conversations/events');
    this.#source.addEventListener('change', (event) => {
      const id = (JSON.parse((event as MessageEvent<string>).data) as { id: string }).id;
      void this.refreshBadge();
      for (const listener of this.#listeners) listener(id);
    });
    void this.refreshBadge();
  }

  stop(): void {
    this.#source?.close();
  }

  /** Calls `listener` with the id of every conversation that changes, while `owner` is on the page. */
  follow(owner: HTMLElement, listener: (id: string) => void): void {
    const wrapped = (id: string) => {
      if (!owner.isConnected) this.#listeners.delete(wrapped);
      else listener(id);
    };
    this.#listeners.add(wrapped);
  }

  async refreshBadge(): Promise<void> {
    const { conversations } = await api<{ conversations: Summary[] }>('GET', 'api/staff/conversations').catch(() => ({ conversations: [] }));
    const waiting = conversations.filter((c) => c.status === 'waiting').length;
    this.badge.textContent = conversations.length ? String(conversations.length) : '';
    this.badge.hidden = conversations.length === 0;
    this.badge.setAttribute('aria-label', `${waiting} đang chờ, ${conversations.length - waiting} đang trả lời`);
    this.badge.className = waiting ? 'badge waiting' : 'badge';
  }
}

/** The conversations of one status, newest first. */
export function inboxView(ctx: ConsoleContext, live: InboxLive, status: Status = 'waiting'): HTMLElement {
  const list = h('div', { class: 'inbox-list' }, h('p', { class: 'hint' }, 'Đang tải…'));
  const tabs = h(
    'p',
    { class: 'inbox-tabs' },
    ...(['waiting', 'open', 'closed'] as const).map((s) =>
      h('a', { href: `#inbox-${s}`, 'aria-current': String(s === status), 'data-status': s }, STATUS[s]),
    ),
  );
  const load = async () => {
    try {
      const { conversations } = await api<{ conversations: Summary[] }>('GET', `api/staff/conversations?status=${status}`);
      replaceChildren(
        list,
        conversations.length === 0
          ? h('p', { class: 'hint' }, status === 'waiting' ? 'Không có câu hỏi nào đang chờ.' : 'Không có cuộc trò chuyện nào.')
          : h(
              'ul',
              { class: 'conversations' },
              ...conversations.map((c) =>
                h(
                  'li',
                  { 'data-id': c.id },
                  h('a', { href: `#conversation/${c.id}` }, c.preview || '(chưa có nội dung)'),
                  h('span', { class: `status ${c.status}` }, c.outcome ? OUTCOME[c.outcome] : STATUS[c.status]),
                  h(
                    'small',
                    {},
                    `${c.communeName} · ${CHANNEL[c.channel]} · ${when(c.lastAt)} · ${c.messageCount} tin${c.assignee ? ` · ${c.assignee}` : ''}`,
                  ),
                ),
              ),
            ),
      );
    } catch (error) {
      ctx.say((error as Error).message, 'error');
    }
  };
  const view = h('section', { class: 'inbox' }, h('h2', {}, 'Câu hỏi của người dân'), tabs, list);
  live.follow(view, () => void load());
  void load();
  return view;
}

/** One conversation: the transcript the citizen consented to share, and what staff can do with it. */
export function conversationView(ctx: ConsoleContext, live: InboxLive, id: string): HTMLElement {
  const view = h('section', { class: 'conversation' }, h('p', { class: 'hint' }, 'Đang tải…'));
  /** What the officer is typing survives the reloads the event stream causes. */
  const text = h('textarea', { id: 'reply-text', rows: '4', maxlength: '2000', 'aria-label': 'Nội dung trả lời' });

  const act = async (path: string, body?: unknown, done?: string) => {
    try {
      render(await api<Detail>('POST', `api/staff/conversations/${id}/${path}`, body));
      if (done) ctx.say(done, 'ok');
      return true;
    } catch (error) {
      ctx.say((error as Error).message, 'error');
      return false;
    }
  };
  const load = async () => {
    try {
      render(await api<Detail>('GET', `api/staff/conversations/${id}`));
    } catch (error) {
      replaceChildren(view, h('p', { class: 'error' }, (error as Error).message));
    }
  };

  const render = (d: Detail) => {
    const mine = d.status === 'open' && d.assignee === ctx.me.username;
    const transcript = h(
      'ol',
      { class: 'transcript', 'aria-live': 'polite' },
      ...d.messages.map((m) =>
        h(
          'li',
          { class: `from-${m.from}`, 'data-from': m.from },
          h('small', {}, `${FROM[m.from]}${m.author ? ` (${m.author})` : ''} · ${when(m.at)}${m.delivery === 'waiting' ? ' · chờ người dân nhắn lại mới gửi được' : ''}`),
          h('p', {}, m.text),
          ctx.me.role === 'admin' && m.from === 'officer' ? draftButton(ctx, d, m) : null,
        ),
      ),
    );
    const controls: (HTMLElement | null)[] = [];
    if (d.status === 'waiting') {
      const claim = h('button', { type: 'button', class: 'primary', id: 'claim' }, 'Nhận trả lời');
      claim.addEventListener('click', () => void act('claim', undefined, 'Bạn đã nhận cuộc trò chuyện; trợ lý tự động tạm dừng.'));
      controls.push(claim);
    }
    if (d.status !== 'closed') {
      if (!d.reachable) {
        controls.push(
          h(
            'p',
            { class: 'notice', id: 'unreachable' },
            d.channel === 'zalo'
              ? 'Người dân đã quá 7 ngày không nhắn tin cho Zalo OA: Zalo không cho gửi lúc này. Tin trả lời sẽ được lưu và gửi ngay khi người dân nhắn lại.'
              : 'Người dân đang không mở khung trò chuyện: tin trả lời sẽ hiện khi họ nhắn lại.',
          ),
        );
      }
      const send = h('button', { type: 'button', class: 'primary', id: 'send-reply', disabled: !mine }, 'Gửi trả lời');
      const note = h('button', { type: 'button', id: 'add-note' }, 'Lưu ghi chú nội bộ');
      send.addEventListener('click', async () => {
        if (text.value.trim() && (await act('messages', { text: text.value }, 'Đã gửi trả lời.'))) text.value = '';
      });
      note.addEventListener('click', async () => {
        if (text.value.trim() && (await act('notes', { text: text.value }, 'Đã lưu ghi chú (người dân không thấy).'))) text.value = '';
      });
      controls.push(
        h('div', { class: 'reply-form' }, h('label', { for: 'reply-text' }, mine ? 'Trả lời người dân' : 'Ghi chú (nhận cuộc trò chuyện để trả lời)'), text, h('p', {}, send, ' ', note)),
        cannedSearch(text),
        handOverForm((to) => act('hand-over', { to }, `Đã chuyển cho ${to}.`)),
        closeForm((outcome) => act('close', { outcome }, 'Đã đóng; cuộc trò chuyện trở về trợ lý tự động.')),
      );
    }
    replaceChildren(
      view,
      h('p', {}, h('a', { href: `#inbox-${d.status}` }, '← Danh sách')),
      h('h2', {}, `${d.communeName} · ${CHANNEL[d.channel]}`),
      h(
        'p',
        { class: 'hint', id: 'conversation-status' },
        `${d.outcome ? `${STATUS[d.status]}: ${OUTCOME[d.outcome]}` : STATUS[d.status]}${d.assignee ? ` · ${d.assignee}` : ''}` +
          (d.deadlineAt ? ` · về trợ lý nếu chưa xử lý trước ${when(d.deadlineAt)}` : ''),
      ),
      transcript,
      ...controls,
    );
  };

  live.follow(view, (changed) => {
    if (changed === id) void load();
  });
  void load();
  return view;
}

function cannedSearch(target: HTMLTextAreaElement): HTMLElement {
  const query = h('input', { type: 'search', id: 'canned-query', placeholder: 'Tìm câu trả lời mẫu, ví dụ: vay vốn học sinh' });
  const results = h('ul', { class: 'canned' });
  const form = h('form', { class: 'canned-form' }, h('label', {}, 'Chèn câu trả lời từ kho kiến thức', query), results);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (query.value.trim().length < 2) return;
    const { answers } = await api<{ answers: { id: string; question: string; answer: string }[] }>(
      'GET',
      `api/staff/canned?q=${encodeURIComponent(query.value.trim())}`,
    );
    replaceChildren(
      results,
      ...(answers.length
        ? answers.map((a) => {
            const insert = h('button', { type: 'button' }, 'Chèn');
            insert.addEventListener('click', () => {
              target.value = target.value ? `${target.value}\n${a.answer}` : a.answer;
              target.focus();
            });
            return h('li', {}, h('strong', {}, a.question), ' ', insert);
          })
        : [h('li', { class: 'hint' }, 'Không tìm thấy.')]),
    );
  });
  return form;
}

function handOverForm(handOver: (to: string) => Promise<boolean>): HTMLElement {
  const to = h('input', { id: 'hand-over-to', placeholder: 'tên đăng nhập của đồng nghiệp', autocapitalize: 'none' });
  const form = h('form', { class: 'inline-form' }, h('label', {}, 'Chuyển cho đồng nghiệp cùng xã/phường ', to), h('button', { type: 'submit' }, 'Chuyển'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (to.value.trim()) void handOver(to.value.trim());
  });
  return form;
}

function closeForm(close: (outcome: Outcome) => Promise<boolean>): HTMLElement {
  const outcome = h(
    'select',
    { id: 'close-outcome' },
    ...(['answered', 'referred', 'no_response', 'other'] as const).map((o) => h('option', { value: o }, OUTCOME[o])),
  );
  const form = h('form', { class: 'inline-form' }, h('label', {}, 'Kết quả ', outcome), h('button', { type: 'submit', id: 'close' }, 'Đóng cuộc trò chuyện'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void close(outcome.value as Outcome);
  });
  return form;
}

/** Admins: a good reply becomes a draft knowledge entry, reviewed before anyone publishes it in content/. */
function draftButton(ctx: ConsoleContext, d: Detail, m: Line): HTMLElement {
  const button = h('button', { type: 'button', class: 'link' }, 'Tạo bản nháp kiến thức');
  button.addEventListener('click', async () => {
    const question = window.prompt('Câu hỏi chung (không ghi thông tin riêng của người dân):', d.messages.find((x) => x.from === 'citizen')?.text ?? '');
    if (!question) return;
    try {
      await api('POST', 'api/staff/knowledge-drafts', { question, answer: m.text, handoffId: d.id });
      ctx.say('Đã lưu bản nháp; bản nháp chưa được trả lời cho người dân cho đến khi được duyệt và đưa vào kho kiến thức.', 'ok');
    } catch (error) {
      ctx.say((error as Error).message, 'error');
    }
  });
  return button;
}

interface Draft {
  id: string;
  question: string;
  answer: string;
  topic: string | null;
  author: string;
  createdAt: string;
  handoffId: string | null;
}

/** A draft as a knowledge entry to paste into content/knowledge/<topic>.yaml, where review completes it. */
function draftYaml(d: Draft): string {
  const indent = (text: string) => text.split('\n').map((line) => `      ${line}`).join('\n');
  return [
    `  - id: ${d.topic ?? '<topic>'}.<name>`,
    `    question: ${JSON.stringify(d.question)}`,
    '    paraphrases: []   # at least 4, in our own words',
    '    answer: |-',
    indent(d.answer),
    '    legalBasis: []    # required for policy answers',
    `    asOf: "${d.createdAt.slice(0, 10)}"`,
  ].join('\n');
}

/** Admins: drafts of knowledge entries made from officers' replies; none is answered to citizens until published. */
export function draftsView(ctx: ConsoleContext): HTMLElement {
  const body = h('div', {}, h('p', { class: 'hint' }, 'Đang tải…'));
  const load = async () => {
    const drafts = await api<Draft[]>('GET', 'api/staff/knowledge-drafts');
    replaceChildren(
      body,
      drafts.length === 0
        ? h('p', { class: 'hint' }, 'Chưa có bản nháp nào.')
        : h(
            'ul',
            { class: 'drafts' },
            ...drafts.map((d) => {
              const discard = h('button', { type: 'button', class: 'danger' }, 'Bỏ bản nháp');
              discard.addEventListener('click', async () => {
                try {
                  await api('DELETE', `api/staff/knowledge-drafts/${d.id}`);
                  await load();
                } catch (error) {
                  ctx.say((error as Error).message, 'error');
                }
              });
              return h('li', {}, h('strong', {}, d.question), h('small', {}, ` · ${d.author} · ${when(d.createdAt)}`), h('pre', {}, draftYaml(d)), discard);
            }),
          ),
    );
  };
  load().catch((error: Error) => replaceChildren(body, h('p', { class: 'error' }, error.message)));
  return h(
    'section',
    {},
    h('h2', {}, 'Bản nháp kiến thức'),
    h(
      'p',
      { class: 'hint' },
      'Các bản nháp chưa được trả lời cho người dân. Để đưa vào dùng: kiểm tra lại nội dung và căn cứ pháp lý, bổ sung câu hỏi tương tự, dán vào tệp content/knowledge/<chủ đề>.yaml rồi chạy "npm run content:check" và khởi động lại dịch vụ.',
    ),
    body,
  );
}
