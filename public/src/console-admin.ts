import { type Account, type AuditEntry, api, type Role, type Unanswered } from './console-api.js';
import { CommunePicker } from './console-communes.js';
import type { ConsoleContext } from './console-context.js';
import { ACTIONS, communeLabel, when } from './console-format.js';
import { h, replaceChildren } from './dom.js';

const names = (ctx: ConsoleContext, ids: readonly string[]) =>
  ids.map((id) => (ctx.communeById.get(id) ? communeLabel(ctx.communeById.get(id)!) : id)).join(', ');

/** Admins: staff accounts (create, change communes/role/name/password, lock, delete). */
export function accountsView(ctx: ConsoleContext): HTMLElement {
  const list = h('div', {}, h('p', { class: 'hint' }, 'Đang tải…'));
  const refresh = async () => {
    try {
      const accounts = await api<Account[]>('GET', 'api/staff/accounts');
      replaceChildren(list, h('ul', { class: 'accounts' }, ...accounts.map((a) => accountRow(ctx, a, refresh))));
    } catch (error) {
      replaceChildren(list, h('p', { class: 'error' }, (error as Error).message));
    }
  };
  void refresh();
  return h('section', {}, h('h2', {}, 'Tài khoản cán bộ'), list, accountForm(ctx, null, refresh));
}

function accountRow(ctx: ConsoleContext, account: Account, refresh: () => Promise<void>): HTMLElement {
  const self = account.username === ctx.me.username;
  const edit = h('button', { type: 'button' }, 'Sửa');
  const lock = h('button', { type: 'button', disabled: self }, account.disabled ? 'Mở khóa' : 'Khóa');
  const remove = h('button', { type: 'button', class: 'danger', disabled: self }, 'Xóa');
  const row = h(
    'li',
    { 'data-username': account.username },
    h('strong', {}, account.displayName),
    ` (${account.username}) `,
    h('span', { class: `status ${account.disabled ? 'withdrawn' : 'published'}` }, account.disabled ? 'Đã khóa' : 'Đang hoạt động'),
    h('small', {}, account.role === 'admin' ? 'Quản trị viên thành phố' : `Cán bộ: ${names(ctx, account.communes)}`),
    h('div', { class: 'actions' }, edit, lock, remove),
  );
  const act = async (method: 'PATCH' | 'DELETE', body: unknown, done: string) => {
    try {
      await api(method, `api/staff/accounts/${encodeURIComponent(account.username)}`, body);
      ctx.say(done, 'ok');
      await refresh();
    } catch (error) {
      ctx.say((error as Error).message, 'error');
    }
  };
  edit.addEventListener('click', () => row.appendChild(accountForm(ctx, account, refresh)));
  lock.addEventListener('click', () =>
    act('PATCH', { disabled: !account.disabled }, account.disabled ? 'Đã mở khóa tài khoản.' : 'Đã khóa tài khoản.'),
  );
  remove.addEventListener('click', () => {
    if (window.confirm(`Xóa tài khoản ${account.username}? Việc này không hoàn tác được.`)) void act('DELETE', undefined, 'Đã xóa tài khoản.');
  });
  return row;
}

/** The form to create an account (account null) or change one. */
function accountForm(ctx: ConsoleContext, account: Account | null, refresh: () => Promise<void>): HTMLElement {
  const username = h('input', { name: 'username', autocomplete: 'off', required: true, pattern: '[a-z0-9._-]{3,32}' });
  const displayName = h('input', { name: 'displayName', value: account?.displayName ?? '' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', minlength: '10' });
  const role = h(
    'select',
    { name: 'role' },
    h('option', { value: 'officer', selected: account?.role !== 'admin' }, 'Cán bộ xã/phường'),
    h('option', { value: 'admin', selected: account?.role === 'admin' }, 'Quản trị viên thành phố'),
  );
  const picker = new CommunePicker(ctx.communes, { legend: 'Xã/phường phụ trách', allowAll: false, selected: account?.communes ?? [] });
  const showPicker = () => (picker.element.hidden = role.value === 'admin');
  role.addEventListener('change', showPicker);
  showPicker();
  const save = h('button', { type: 'submit', class: 'primary' }, account ? 'Lưu thay đổi' : 'Tạo tài khoản');
  const form = h(
    'form',
    { class: 'account-form' },
    h('h3', {}, account ? `Sửa tài khoản ${account.username}` : 'Tạo tài khoản mới'),
    !account && h('label', {}, 'Tên đăng nhập (chữ thường không dấu, số, . _ -)', username),
    h('label', {}, 'Họ tên', displayName),
    h('label', {}, account ? 'Mật khẩu mới (bỏ trống nếu không đổi)' : 'Mật khẩu (ít nhất 10 ký tự)', password),
    h('label', {}, 'Vai trò', role),
    picker.element,
    save,
    account && h('button', { type: 'button', class: 'cancel' }, 'Hủy'),
  );
  form.querySelector('.cancel')?.addEventListener('click', () => form.remove());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const communes = picker.value();
    const fields = {
      role: role.value as Role,
      communes: role.value === 'admin' || communes === 'all' ? [] : communes,
      ...(displayName.value.trim() ? { displayName: displayName.value.trim() } : {}),
      ...(password.value ? { password: password.value } : {}),
    };
    try {
      if (account) await api('PATCH', `api/staff/accounts/${encodeURIComponent(account.username)}`, fields);
      else await api('POST', 'api/staff/accounts', { username: username.value.trim(), ...fields });
      ctx.say(account ? 'Đã lưu thay đổi.' : 'Đã tạo tài khoản.', 'ok');
      form.reset();
      await refresh();
      if (account) form.remove();
    } catch (error) {
      ctx.say((error as Error).message, 'error');
    }
  });
  return form;
}

/** Admins: who changed what, when; newest first, page by page. */
export function auditView(): HTMLElement {
  const rows = h('tbody', {});
  const more = h('button', { type: 'button' }, 'Xem thêm');
  let before: string | undefined;
  const load = async () => {
    const page = await api<AuditEntry[]>('GET', `api/staff/audit?limit=100${before ? `&before=${encodeURIComponent(before)}` : ''}`);
    for (const e of page) {
      const details = e.details ? Object.entries(e.details).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('; ') : '';
      rows.appendChild(
        h('tr', {}, h('td', {}, when(e.at)), h('td', {}, e.actor), h('td', {}, ACTIONS[e.action] ?? e.action), h('td', {}, e.target), h('td', {}, details)),
      );
    }
    before = page.length ? page[page.length - 1]!.at : before;
    more.hidden = page.length < 100;
  };
  more.addEventListener('click', () => void load());
  const view = h(
    'section',
    {},
    h('h2', {}, 'Nhật ký thao tác'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'audit' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Thời điểm'), h('th', {}, 'Người thực hiện'), h('th', {}, 'Thao tác'), h('th', {}, 'Đối tượng'), h('th', {}, 'Chi tiết'))),
        rows,
      ),
    ),
    more,
  );
  load().catch((error: Error) => view.appendChild(h('p', { class: 'error' }, error.message)));
  return view;
}

/** Admins: the questions the bot could not answer, to improve the content. */
export function unansweredView(): HTMLElement {
  const body = h('div', {}, h('p', { class: 'hint' }, 'Đang tải…'));
  api<Unanswered>('GET', 'api/staff/unanswered?limit=200').then(
    (data) =>
      replaceChildren(
        body,
        h(
          'p',
          {},
          `Tổng cộng ${data.total} câu hỏi chưa trả lời được; ${data.withheld} câu không lưu nội dung vì người dân chưa đồng ý lưu.`,
        ),
        data.questions.length
          ? h(
              'ol',
              { class: 'unanswered' },
              ...data.questions.map((q) => h('li', {}, h('q', {}, q.text), h('small', {}, ` — ${q.count} lần, gần nhất ${when(q.lastAt)}`))),
            )
          : null,
      ),
    (error: Error) => replaceChildren(body, h('p', { class: 'error' }, error.message)),
  );
  return h('section', {}, h('h2', {}, 'Câu hỏi chưa trả lời được'), body);
}
