/**
 * The chat panel and what drives it: the conversation (kept by History), the transport, the two tabs, keyboard
 * handling and screen-reader announcements. Built on the first open, or at load when messages are still pending.
 */
import type { WireAnnouncement, WireQuickReply, WireReply } from '../../src/channels/web/wire.js';
import { MAX_MESSAGE_LENGTH } from '../../src/channels/web/wire.js';
import { h, icon, replaceChildren } from './dom.js';
import { type History, randomId, type StoredMessage } from './history.js';
import { answersOf, pushedId, renderMessage } from './messages.js';
import { News } from './news.js';
import { t } from './strings.js';
import { type Status, Transport } from './transport.js';

export interface WidgetConfig {
  /** The service's base address, ending in "/": the widget's routes are resolved relative to it. */
  service: URL;
  title: string;
  /** The page's commune (data-commune). */
  commune?: string;
}

const CLOSE_ICON = 'M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 0 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z';

export class ChatWidget {
  readonly #panel: HTMLElement;
  readonly #log = h('div', { class: 'log', role: 'log', 'aria-live': 'off', 'aria-label': t.tabChat, tabindex: '0' });
  readonly #quick = h('div', { class: 'quick', role: 'group', 'aria-label': t.quickReplies });
  readonly #typing = h('div', { class: 'typing', 'aria-hidden': 'true', hidden: true }, h('i'), h('i'), h('i'), t.typing);
  readonly #status = h('p', { class: 'status', role: 'status', hidden: true });
  readonly #input = h('input', {
    id: 'tl-input',
    type: 'text',
    maxlength: String(MAX_MESSAGE_LENGTH),
    autocomplete: 'off',
    enterkeyhint: 'send',
    placeholder: t.inputPlaceholder,
  });
  /** Polite announcements of new bot messages only: the log itself stays silent so history is never re-read. */
  readonly #announcer = h('div', { class: 'sr', 'aria-live': 'polite' });
  readonly #tabs: HTMLButtonElement[];
  readonly #newsBadge = h('span', { class: 'badge', hidden: true });
  readonly #news: News;
  readonly #transport: Transport;
  readonly #elements = new Map<string, HTMLElement>();
  readonly #ownHosts: string[];
  #connection: Status = 'connecting';
  #unread = 0;

  constructor(
    container: HTMLElement,
    private readonly launcher: HTMLButtonElement,
    private readonly config: WidgetConfig,
    private readonly history: History,
  ) {
    this.#ownHosts = [config.service.host, location.host];
    const conversation = history.conversation;
    this.#transport = new Transport(
      config.service,
      {
        sessionId: () => conversation.sessionId,
        commune: () => this.#commune(),
        pending: () => history.pending(),
      },
      {
        reply: (id, replies) => this.#onReply(id, replies),
        push: (id, replies) => this.#onPush(id, replies),
        refused: (id, message) => this.#onRefused(id, message),
        notice: (message) => this.#notice(message),
        session: (sessionId) => history.adoptSession(sessionId),
        announcement: (a) => this.#onAnnouncement(a),
        status: (status) => this.#setStatus(status),
      },
    );

    const chatTab = this.#tab('chat', t.tabChat);
    const newsTab = this.#tab('news', t.tabNews, this.#newsBadge);
    this.#tabs = [chatTab, newsTab];
    const chatPanel = h('div', { role: 'tabpanel', id: 'tl-chat', 'aria-labelledby': 'tl-tab-chat' });
    const newsPanel = h('div', { role: 'tabpanel', id: 'tl-news', 'aria-labelledby': 'tl-tab-news', class: 'news', hidden: true });
    this.#news = new News(newsPanel, config.service, () => this.#commune(), (id) => this.#chooseCommune(id));

    const form = h(
      'form',
      {},
      h('label', { for: 'tl-input' }, t.inputLabel),
      this.#input,
      h('button', { type: 'submit', class: 'send' }, t.send),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.#input.value.trim();
      if (!text) return;
      this.#input.value = '';
      this.#send(text);
    });
    chatPanel.append(this.#status, this.#log, this.#typing, this.#quick, form, this.#clearControls());

    const close = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t.closeLabel }, icon(CLOSE_ICON));
    close.addEventListener('click', () => this.close());
    this.#panel = h(
      'section',
      { class: 'panel', id: 'tl-panel', role: 'dialog', 'aria-labelledby': 'tl-title', hidden: true },
      h('header', {}, h('h2', { id: 'tl-title' }, config.title), close),
      h('div', { role: 'tablist', 'aria-label': config.title }, chatTab, newsTab),
      chatPanel,
      newsPanel,
    );
    this.#panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        this.close();
      }
    });
    container.append(this.#panel, this.#announcer);
    this.#renderAll();
  }

  get isOpen(): boolean {
    return !this.#panel.hidden;
  }

  /** Connects (used at load when messages typed on an earlier page are still waiting). */
  start(): void {
    this.#transport.start();
  }

  open(): void {
    this.#panel.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'true');
    this.#transport.start();
    this.#scrollToEnd();
    if (this.#tabs[0]!.getAttribute('aria-selected') === 'true') this.#input.focus();
    else this.#tabs[1]!.focus();
  }

  close(): void {
    this.#panel.hidden = true;
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.focus();
  }

  #commune(): string | undefined {
    return this.history.conversation.commune ?? this.config.commune;
  }

  #chooseCommune(id: string): void {
    this.history.conversation.commune = id || undefined;
    this.history.save();
    this.#transport.hello();
  }

  // ── tabs ──────────────────────────────────────────────────────────────────────────────────────────────────

  #tab(name: 'chat' | 'news', label: string, ...extra: Node[]): HTMLButtonElement {
    const selected = name === 'chat';
    const tab = h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tl-tab-${name}`,
        'aria-controls': `tl-${name}`,
        'aria-selected': String(selected),
        tabindex: selected ? '0' : '-1',
      },
      label,
      ...extra,
    );
    tab.addEventListener('click', () => this.#select(name));
    tab.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      const other = name === 'chat' ? 'news' : 'chat';
      this.#select(other);
      this.#tabs[other === 'chat' ? 0 : 1]!.focus();
    });
    return tab;
  }

  #select(name: 'chat' | 'news'): void {
    for (const tab of this.#tabs) {
      const selected = tab.id === `tl-tab-${name}`;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      this.#panel.querySelector<HTMLElement>(`#${tab.getAttribute('aria-controls')}`)!.hidden = !selected;
    }
    if (name === 'news') {
      this.#unread = 0;
      this.#renderBadge();
      void this.#news.show();
    } else {
      this.#scrollToEnd();
    }
  }

  #renderBadge(): void {
    this.#newsBadge.hidden = this.#unread === 0;
    this.#newsBadge.textContent = this.#unread ? t.newsUnread(this.#unread) : '';
  }

  // ── conversation ──────────────────────────────────────────────────────────────────────────────────────────

  #send(text: string, payload?: string): void {
    const message: StoredMessage = { id: randomId(), from: 'user', text, state: 'pending' };
    if (payload) message.payload = payload;
    this.history.conversation.messages.push(message);
    this.history.save();
    this.#append(message);
    this.#scrollToEnd();
    this.#renderQuickReplies();
    this.#transport.start();
    this.#transport.flush();
  }

  /** Moves a user message on (pending → answered or failed, failed → pending); false when it was not in `from`. */
  #transition(id: string, from: StoredMessage['state'], to: StoredMessage['state'], error?: string): boolean {
    const message = this.history.find(id);
    if (!message || message.state !== from) return false;
    message.state = to;
    message.error = error;
    this.#update(message);
    return true;
  }

  #onReply(id: string, replies: WireReply[]): void {
    if (!this.#transition(id, 'pending', undefined)) return;
    this.#addAnswers(id, replies);
  }

  /**
   * Messages the service sent unasked (an officer's reply): shown and kept like answers, once per push id (also when
   * the same message came with an answer first).
   */
  #onPush(id: string, replies: WireReply[]): void {
    if (this.history.find(pushedId(id))) return;
    this.#addAnswers(`push-${id}`, replies);
  }

  #addAnswers(id: string, replies: WireReply[]): void {
    const answers = answersOf(id, replies, (shown) => this.history.find(shown) !== undefined);
    this.history.conversation.messages.push(...answers);
    this.history.save();
    for (const answer of answers) {
      this.#append(answer);
      this.#announce(`${t.bot}: ${answer.text}`);
    }
    this.#renderQuickReplies();
    // Long answers are read from their beginning, not their end.
    const first = answers[0] && this.#elements.get(answers[0].id);
    if (first) this.#log.scrollTop += first.getBoundingClientRect().top - this.#log.getBoundingClientRect().top - 8;
  }

  #onRefused(id: string, message: string): void {
    if (!this.#transition(id, 'pending', 'failed', message)) return;
    this.history.save();
    this.#renderQuickReplies();
    this.#announce(`${t.failed} ${message}`);
  }

  #retry(id: string): void {
    if (!this.#transition(id, 'failed', 'pending')) return;
    this.history.save();
    this.#renderQuickReplies();
    this.#transport.flush();
  }

  #onAnnouncement(a: WireAnnouncement): void {
    if (!this.#news.addLive(a)) return;
    if (this.#tabs[1]!.getAttribute('aria-selected') !== 'true') {
      this.#unread++;
      this.#renderBadge();
    }
    if (this.isOpen) this.#announce(t.newsLive(a.title));
  }

  // ── rendering ─────────────────────────────────────────────────────────────────────────────────────────────

  #renderAll(): void {
    this.#elements.clear();
    replaceChildren(this.#log, renderMessage({ id: 'greeting', from: 'bot', text: t.greeting }, this.#ownHosts, () => {}));
    for (const m of this.history.conversation.messages) this.#append(m);
    this.#renderQuickReplies();
  }

  #append(m: StoredMessage): void {
    const element = renderMessage(m, this.#ownHosts, (id) => this.#retry(id));
    this.#elements.set(m.id, element);
    this.#log.append(element);
  }

  #update(m: StoredMessage): void {
    const element = renderMessage(m, this.#ownHosts, (id) => this.#retry(id));
    this.#elements.get(m.id)?.replaceWith(element);
    this.#elements.set(m.id, element);
  }

  /** Quick replies of the last bot message, while nothing is waiting for an answer; typing dots otherwise. */
  #renderQuickReplies(): void {
    const { messages } = this.history.conversation;
    const last = messages[messages.length - 1];
    const waiting = messages.some((m) => m.state === 'pending');
    const choices: readonly WireQuickReply[] =
      messages.length === 0 ? t.greetingReplies : last?.from === 'bot' && !waiting ? (last.quickReplies ?? []) : [];
    replaceChildren(
      this.#quick,
      ...choices.map((choice) => {
        const button = h('button', { type: 'button' }, choice.title);
        button.addEventListener('click', () => {
          this.#send(choice.title, choice.payload);
          this.#input.focus();
        });
        return button;
      }),
    );
    this.#quick.hidden = choices.length === 0;
    this.#typing.hidden = !waiting || this.#connection === 'offline';
  }

  #scrollToEnd(): void {
    this.#log.scrollTop = this.#log.scrollHeight;
  }

  #announce(text: string): void {
    this.#announcer.append(h('p', {}, text));
    while (this.#announcer.childElementCount > 3) this.#announcer.firstElementChild!.remove();
  }

  #setStatus(status: Status): void {
    this.#connection = status;
    this.#notice(status === 'offline' ? t.offline : '');
    this.#renderQuickReplies();
  }

  #notice(text: string): void {
    this.#status.textContent = text;
    this.#status.hidden = !text;
  }

  // ── clearing ──────────────────────────────────────────────────────────────────────────────────────────────

  #clearControls(): HTMLElement {
    const ask = h('button', { type: 'button', class: 'link-btn' }, t.clear);
    const yes = h('button', { type: 'button', class: 'danger' }, t.clearYes);
    const no = h('button', { type: 'button', class: 'plain' }, t.clearNo);
    const confirm = h('div', { class: 'foot', role: 'group', 'aria-label': t.clear, hidden: true }, h('span', {}, t.clearConfirm), yes, no);
    const foot = h('div', { class: 'foot' }, ask);
    const settle = (focus: HTMLElement) => {
      confirm.hidden = true;
      foot.hidden = false;
      focus.focus();
    };
    ask.addEventListener('click', () => {
      foot.hidden = true;
      confirm.hidden = false;
      no.focus();
    });
    no.addEventListener('click', () => settle(ask));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      const cleared = await this.#transport.clear();
      yes.disabled = false;
      if (cleared) {
        this.history.reset();
        this.#transport.hello();
        this.#renderAll();
        this.#notice('');
      } else {
        this.#notice(t.clearFailed);
      }
      this.#announce(cleared ? t.cleared : t.clearFailed);
      settle(this.#input);
    });
    return h('div', {}, foot, confirm);
  }
}
