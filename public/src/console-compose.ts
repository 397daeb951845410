import { type Announcement, api, type Channel, type Preview } from './console-api.js';
import { CommunePicker } from './console-communes.js';
import type { ConsoleContext } from './console-context.js';
import { provinceLocalToIso } from './console-format.js';
import { h, replaceChildren } from './dom.js';

const TITLE_MAX = 150;
const BODY_MAX = 5000;

/** Compose an announcement: text, communes, channels, now or later; a live preview of Zalo and the widget. */
export function composeView(ctx: ConsoleContext): HTMLElement {
  const mine = ctx.me.role === 'admin' ? ctx.communes : ctx.communes.filter((c) => ctx.me.communes.includes(c.id));
  const title = h('input', { id: 'title', name: 'title', maxlength: String(TITLE_MAX), required: true, autocomplete: 'off' });
  const body = h('textarea', { id: 'body', name: 'body', maxlength: String(BODY_MAX), rows: '8', required: true });
  const titleCount = h('span', { class: 'count' });
  const bodyCount = h('span', { class: 'count' });
  const picker = new CommunePicker(mine, { legend: 'Gửi tới xã/phường', allowAll: ctx.me.role === 'admin' });
  const zalo = h('input', { type: 'checkbox', name: 'channel', value: 'zalo', checked: true });
  const web = h('input', { type: 'checkbox', name: 'channel', value: 'web', checked: true });
  const now = h('input', { type: 'radio', name: 'when', value: 'now', checked: true });
  const later = h('input', { type: 'radio', name: 'when', value: 'later' });
  const at = h('input', { type: 'datetime-local', name: 'scheduledAt', 'aria-label': 'Thời điểm gửi (giờ Hải Phòng)', disabled: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Gửi thông báo');
  const zaloPreview = h('div', { class: 'zalo-preview', 'aria-live': 'polite' });
  const webPreview = h('div', { class: 'web-preview' });

  const rules = [
    'Zalo chỉ cho phép gửi tới người dân đã nhắn tin cho Zalo OA trong 7 ngày gần nhất; những người khác sẽ được báo khi họ nhắn tin lại.',
    ctx.me.quietHours ? `Tin Zalo không gửi trong giờ nghỉ ${ctx.me.quietHours}; tin đến hạn trong giờ này sẽ tự gửi khi hết giờ nghỉ.` : '',
    ctx.me.zalo.enabled ? '' : 'Zalo chưa được cấu hình: thông báo chỉ hiện trên khung trò chuyện của trang web.',
  ].filter(Boolean);

  const form = h(
    'form',
    { class: 'compose', novalidate: true },
    h('h2', {}, 'Soạn thông báo'),
    h('label', { for: 'title' }, 'Tiêu đề ', titleCount),
    title,
    h('label', { for: 'body' }, 'Nội dung ', bodyCount),
    body,
    picker.element,
    h(
      'fieldset',
      {},
      h('legend', {}, 'Kênh'),
      h('label', {}, zalo, ' Zalo (người đã đăng ký nhận tin)'),
      h('label', {}, web, ' Khung trò chuyện trên trang web'),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Thời điểm'),
      h('label', {}, now, ' Gửi ngay'),
      h('label', {}, later, ' Hẹn giờ (giờ Hải Phòng)'),
      at,
    ),
    h('ul', { class: 'rules' }, ...rules.map((r) => h('li', {}, r))),
    submit,
    h('section', { class: 'preview' }, h('h3', {}, 'Xem trước trên Zalo'), zaloPreview, h('h3', {}, 'Xem trước trên trang web'), webPreview),
  );

  const counts = () => {
    titleCount.textContent = `(${title.value.length}/${TITLE_MAX})`;
    bodyCount.textContent = `(${body.value.length}/${BODY_MAX})`;
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  const preview = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const ticket = ++asked;
      if (!title.value.trim() && !body.value.trim()) {
        replaceChildren(zaloPreview, h('p', { class: 'hint' }, 'Nhập tiêu đề và nội dung để xem trước.'));
        replaceChildren(webPreview);
        return;
      }
      const communes = picker.value();
      try {
        const result = await api<Preview>('POST', 'api/announcements/preview', {
          title: title.value,
          body: body.value,
          ...(communes === 'all' || communes.length ? { communes } : {}),
        });
        if (ticket !== asked) return;
        const n = result.zalo.messages.length;
        replaceChildren(
          zaloPreview,
          n > 1 ? h('p', { class: 'hint' }, `Nội dung dài: Zalo nhận thành ${n} tin nhắn (mỗi tin tối đa 2.000 ký tự).`) : null,
          ...result.zalo.messages.map((text, i) =>
            h('div', { class: 'bubble' }, h('span', { class: 'part' }, `Tin ${i + 1}/${n} · ${text.length} ký tự`), h('p', {}, text)),
          ),
        );
        replaceChildren(webPreview, h('article', { class: 'card' }, h('h4', {}, result.web.title), h('p', {}, result.web.body)));
      } catch {
        // The preview is a convenience; sending reports its own errors.
      }
    }, 350);
  };
  for (const input of [title, body]) {
    input.addEventListener('input', () => {
      counts();
      preview();
    });
  }
  picker.onChange(preview);
  for (const radio of [now, later]) radio.addEventListener('change', () => (at.disabled = !later.checked));
  counts();
  preview();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const communes = picker.value();
    const channels = [zalo, web].filter((c) => c.checked).map((c) => c.value as Channel);
    const problem =
      title.value.trim().length < 3
        ? 'Tiêu đề cần ít nhất 3 ký tự.'
        : !body.value.trim()
          ? 'Hãy nhập nội dung thông báo.'
          : communes !== 'all' && communes.length === 0
            ? 'Hãy chọn ít nhất một xã/phường.'
            : channels.length === 0
              ? 'Hãy chọn ít nhất một kênh.'
              : later.checked && !at.value
                ? 'Hãy chọn thời điểm hẹn gửi.'
                : '';
    if (problem) return ctx.say(problem, 'error');
    const whom = communes === 'all' ? 'tất cả xã/phường' : `${communes.length} xã/phường`;
    if (!window.confirm(`${later.checked ? 'Hẹn gửi' : 'Gửi ngay'} thông báo "${title.value.trim()}" tới ${whom}?`)) return;
    submit.disabled = true;
    try {
      const created = await api<Pick<Announcement, 'id' | 'status'>>('POST', 'api/announcements', {
        title: title.value,
        body: body.value,
        communes,
        channels,
        ...(later.checked ? { scheduledAt: provinceLocalToIso(at.value) } : {}),
      });
      ctx.say(created.status === 'scheduled' ? 'Đã hẹn giờ gửi thông báo.' : 'Đã phát hành thông báo. Báo cáo gửi cập nhật bên dưới.', 'ok');
      ctx.go(`report/${created.id}`);
    } catch (error) {
      ctx.say((error as Error).message, 'error');
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
