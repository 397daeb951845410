import type { Commune } from './console-api.js';
import { communeLabel } from './console-format.js';
import { h } from './dom.js';

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase();

/**
 * Choosing communes on a phone: a search box (with or without diacritics) over a scrolling list of checkboxes, and
 * for admins "the whole city".
 */
export class CommunePicker {
  readonly element: HTMLFieldSetElement;
  readonly #all: HTMLInputElement | null;
  readonly #boxes = new Map<string, HTMLInputElement>();
  readonly #rows: { label: HTMLLabelElement; key: string }[] = [];
  readonly #summary = h('p', { class: 'hint' });
  #listeners: (() => void)[] = [];

  constructor(communes: readonly Commune[], options: { legend: string; allowAll: boolean; selected?: readonly string[] | 'all' }) {
    const list = h('div', { class: 'commune-list', role: 'group' });
    for (const commune of communes) {
      const box = h('input', { type: 'checkbox', value: commune.id, name: 'commune' });
      const label = h('label', {}, box, ` ${communeLabel(commune)}`);
      this.#boxes.set(commune.id, box);
      this.#rows.push({ label, key: fold(communeLabel(commune)) });
      list.appendChild(label);
    }
    const search = h('input', { type: 'search', placeholder: 'Tìm xã/phường…', 'aria-label': 'Tìm xã/phường' });
    search.addEventListener('input', () => {
      const query = fold(search.value.trim());
      for (const row of this.#rows) row.label.hidden = query !== '' && !row.key.includes(query);
    });
    this.#all = options.allowAll ? h('input', { type: 'checkbox', name: 'all-communes' }) : null;
    this.element = h(
      'fieldset',
      { class: 'communes' },
      h('legend', {}, options.legend),
      this.#all && h('label', { class: 'all' }, this.#all, ' Toàn thành phố (tất cả xã/phường)'),
      communes.length > 6 && search,
      list,
      this.#summary,
    );
    this.element.addEventListener('change', () => this.#changed());
    this.set(options.selected ?? (communes.length === 1 ? [communes[0]!.id] : []));
  }

  value(): string[] | 'all' {
    if (this.#all?.checked) return 'all';
    return [...this.#boxes].filter(([, box]) => box.checked).map(([id]) => id);
  }

  set(selected: readonly string[] | 'all'): void {
    if (this.#all) this.#all.checked = selected === 'all';
    for (const [id, box] of this.#boxes) box.checked = selected !== 'all' && selected.includes(id);
    this.#changed();
  }

  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  #changed(): void {
    const value = this.value();
    for (const box of this.#boxes.values()) box.disabled = value === 'all';
    this.#summary.textContent =
      value === 'all' ? 'Gửi tới tất cả xã/phường.' : value.length ? `Đã chọn ${value.length} xã/phường.` : 'Chưa chọn xã/phường nào.';
    for (const listener of this.#listeners) listener();
  }
}
