/**
 * The "Thông báo" tab: the published announcements of the citizen's commune (GET /api/announcements?commune=),
 * a commune chooser (GET /api/communes), and announcements pushed live over the socket while the widget is open.
 */
import type { WireAnnouncement } from '../../src/channels/web/wire.js';
import { h, replaceChildren } from './dom.js';
import { type Commune, listOf, parseAnnouncement, parseCommune } from './frames.js';
import { t } from './strings.js';

const dateFormat = new Intl.DateTimeFormat('vi-VN', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' });

export class News {
  readonly #select = h('select', { id: 'tl-commune' }, h('option', { value: '' }, t.newsChoose));
  readonly #list = h('ul');
  readonly #state = h('p', { class: 'empty' });
  /** Pushed while the widget was open; kept on top when the feed is reloaded. */
  #live: WireAnnouncement[] = [];
  #communesLoaded = false;
  /** The commune the list shows; null before the first load (or after a failed one, so it is tried again). */
  #loadedFor: string | undefined | null = null;

  constructor(
    panel: HTMLElement,
    private readonly service: URL,
    private readonly commune: () => string | undefined,
    chooseCommune: (id: string) => void,
  ) {
    panel.append(h('label', { for: 'tl-commune' }, t.newsCommune), this.#select, this.#state, this.#list);
    this.#select.addEventListener('change', () => {
      this.#live = [];
      chooseCommune(this.#select.value);
      void this.refresh();
    });
  }

  /** Called whenever the tab is shown: fills the chooser once and reloads the feed when the commune changed. */
  async show(): Promise<void> {
    if (!this.#communesLoaded) {
      this.#communesLoaded = true;
      void this.#loadCommunes();
    }
    if (this.#loadedFor !== this.commune()) await this.refresh();
  }

  async refresh(): Promise<void> {
    const commune = this.commune();
    this.#loadedFor = commune;
    this.#render([]);
    if (!commune) return this.#say(t.newsNoCommune);
    this.#say(t.newsLoading);
    const url = new URL('api/announcements', this.service);
    url.searchParams.set('commune', commune);
    const items = await this.#get(url, 'announcements', parseAnnouncement);
    if (this.commune() !== commune) return;
    if (items === null) {
      this.#loadedFor = null;
      this.#render([]);
      return this.#say(t.newsError);
    }
    // A service without the announcements feed yet answers 404: that is simply "no announcements".
    this.#render(items === 'missing' ? [] : items);
  }

  /** An announcement pushed live (shown first, marked new); false when it was already shown. */
  addLive(a: WireAnnouncement): boolean {
    if (this.#list.querySelector(`[data-id="${CSS.escape(a.id)}"]`)) return false;
    this.#live.unshift(a);
    this.#say('');
    this.#list.prepend(this.#item(a, true));
    return true;
  }

  #render(feed: WireAnnouncement[]): void {
    const live = new Set(this.#live.map((a) => a.id));
    replaceChildren(
      this.#list,
      ...this.#live.map((a) => this.#item(a, true)),
      ...feed.filter((a) => !live.has(a.id)).map((a) => this.#item(a, false)),
    );
    this.#say(this.#list.childElementCount ? '' : t.newsEmpty);
  }

  #item(a: WireAnnouncement, live: boolean): HTMLLIElement {
    const when = a.publishedAt ? new Date(a.publishedAt) : null;
    return h(
      'li',
      { 'data-id': a.id },
      h('h3', {}, a.title, live && h('span', { class: 'badge' }, t.newBadge)),
      when && !Number.isNaN(when.getTime()) && h('time', { datetime: a.publishedAt ?? undefined }, dateFormat.format(when)),
      h('p', {}, a.body),
    );
  }

  #say(text: string): void {
    this.#state.textContent = text;
    this.#state.hidden = !text;
  }

  async #loadCommunes(): Promise<void> {
    const communes = await this.#get(new URL('api/communes', this.service), 'communes', parseCommune);
    const current = this.commune();
    const options: Commune[] = Array.isArray(communes) ? communes : [];
    if (current && !options.some((c) => c.id === current)) options.unshift({ id: current, name: t.newsPageCommune });
    replaceChildren(
      this.#select,
      h('option', { value: '' }, t.newsChoose),
      ...options.map((c) => h('option', { value: c.id, selected: c.id === current }, c.name)),
    );
  }

  /** A list from the service; 'missing' when the route does not exist, null when it could not be read. */
  async #get<T>(url: URL, key: string, item: (v: unknown) => T | null): Promise<T[] | 'missing' | null> {
    try {
      const res = await fetch(url.href);
      if (res.status === 404) return 'missing';
      return res.ok ? listOf(await res.json(), key, item) : null;
    } catch {
      return null;
    }
  }
}
