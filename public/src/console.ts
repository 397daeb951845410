/**
 * The staff console (public/console.html): log in, answer the questions citizens handed to staff (the inbox, live),
 * compose and send announcements, watch their delivery report, withdraw them, read the programme dashboard; admins
 * manage staff accounts and read the audit log and the questions the bot could not answer.
 * Plain DOM, no framework; every text from the server is inserted as text, never as markup.
 */

import { accountsView, auditView, unansweredView } from './console-admin.js';
import { ApiError, api, type Commune, type Me, whenSessionEnds } from './console-api.js';
import { composeView } from './console-compose.js';
import type { ConsoleContext } from './console-context.js';
import { dashboardView } from './console-dashboard.js';
import { conversationView, draftsView, InboxLive, inboxView } from './console-inbox.js';
import { listView, reportView } from './console-report.js';
import { h, replaceChildren } from './dom.js';

const root = document.getElementById('console')!;
const flash = h('p', { class: 'flash', role: 'status', hidden: true });

function say(message: string, kind: 'error' | 'ok' = 'error'): void {
  flash.textContent = message;
  flash.className = `flash ${kind}`;
  flash.hidden = !message;
}

function loginView(message = ''): void {
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Đăng nhập');
  const form = h(
    'form',
    { class: 'login' },
    h('h1', {}, 'Trang quản trị thông báo'),
    h('p', { class: 'hint' }, 'Dành cho cán bộ xã/phường và quản trị viên thành phố.'),
    h('label', { for: 'username' }, 'Tên đăng nhập'),
    username,
    h('label', { for: 'password' }, 'Mật khẩu'),
    password,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      await api('POST', 'api/staff/login', { username: username.value, password: password.value });
      say('');
      await start();
    } catch (error) {
      say((error as Error).message, 'error');
      password.value = '';
    } finally {
      submit.disabled = false;
    }
  });
  say(message, 'error');
  replaceChildren(root, flash, form);
  username.focus();
}

function passwordView(): HTMLElement {
  const current = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { type: 'password', autocomplete: 'new-password', minlength: '10', required: true });
  const form = h(
    'form',
    { class: 'account-form' },
    h('h2', {}, 'Đổi mật khẩu'),
    h('label', {}, 'Mật khẩu hiện tại', current),
    h('label', {}, 'Mật khẩu mới (ít nhất 10 ký tự)', next),
    h('button', { type: 'submit', class: 'primary' }, 'Đổi mật khẩu'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', 'api/staff/password', { current: current.value, next: next.value });
      form.reset();
      say('Đã đổi mật khẩu.', 'ok');
    } catch (error) {
      say((error as Error).message, 'error');
    }
  });
  return form;
}

async function start(): Promise<void> {
  let me: Me;
  try {
    me = await api<Me>('GET', 'api/staff/me');
  } catch (error) {
    return loginView(error instanceof ApiError && error.status === 401 ? '' : (error as Error).message);
  }
  const { communes } = await api<{ communes: Commune[] }>('GET', 'api/communes');
  const ctx: ConsoleContext = {
    me,
    communes,
    communeById: new Map(communes.map((c) => [c.id, c])),
    go: (route) => {
      if (location.hash === `#${route}`) show();
      else location.hash = route;
    },
    say,
  };

  const tabs: [string, string][] = [
    ['inbox-waiting', 'Câu hỏi của người dân'],
    ['compose', 'Soạn thông báo'],
    ['list', 'Đã gửi'],
    ['dashboard', 'Số liệu'],
    ...(me.role === 'admin'
      ? ([
          ['accounts', 'Cán bộ'],
          ['audit', 'Nhật ký'],
          ['unanswered', 'Câu hỏi chưa trả lời'],
          ['drafts', 'Bản nháp kiến thức'],
        ] as [string, string][])
      : []),
    ['password', 'Đổi mật khẩu'],
  ];
  const badge = h('span', { class: 'badge', id: 'inbox-badge', hidden: true });
  const live = new InboxLive(badge);
  const nav = h(
    'nav',
    { 'aria-label': 'Chức năng' },
    ...tabs.map(([route, label]) => h('a', { href: `#${route}`, 'data-route': route }, label, route === 'inbox-waiting' ? badge : null)),
  );
  const logout = h('button', { type: 'button', class: 'link' }, 'Đăng xuất');
  logout.addEventListener('click', async () => {
    await api('POST', 'api/staff/logout').catch(() => undefined);
    live.stop();
    location.hash = '';
    loginView();
  });
  const alerts = [
    me.zalo.alert && h('p', { class: 'alert', role: 'alert' }, `Zalo đang ngừng gửi: ${me.zalo.alert}`),
    me.zalo.webhookAlert && h('p', { class: 'alert', role: 'alert' }, me.zalo.webhookAlert),
    !me.zalo.enabled && h('p', { class: 'notice' }, 'Zalo chưa được cấu hình: thông báo chỉ hiện trên trang web.'),
  ];
  const main = h('main', {});
  replaceChildren(
    root,
    h(
      'header',
      {},
      h('h1', {}, 'Quản trị thông báo'),
      h('p', { class: 'who' }, `${me.displayName} · ${me.role === 'admin' ? 'Quản trị viên thành phố' : 'Cán bộ xã/phường'} `, logout),
    ),
    ...alerts,
    nav,
    flash,
    main,
  );

  const show = () => {
    const [route = 'compose', id] = location.hash.replace(/^#/, '').split('/');
    const inbox = route.startsWith('inbox') || route === 'conversation';
    for (const link of Array.from(nav.querySelectorAll('a'))) {
      link.setAttribute(
        'aria-current',
        String(link.dataset.route === route || (route === 'report' && link.dataset.route === 'list') || (inbox && link.dataset.route === 'inbox-waiting')),
      );
    }
    const views: Record<string, () => HTMLElement> = {
      'inbox-waiting': () => inboxView(ctx, live, 'waiting'),
      'inbox-open': () => inboxView(ctx, live, 'open'),
      'inbox-closed': () => inboxView(ctx, live, 'closed'),
      conversation: () => conversationView(ctx, live, id ?? ''),
      compose: () => composeView(ctx),
      list: () => listView(ctx),
      report: () => reportView(ctx, id ?? ''),
      dashboard: () => dashboardView(ctx),
      password: passwordView,
      ...(me.role === 'admin'
        ? { accounts: () => accountsView(ctx), audit: auditView, unanswered: unansweredView, drafts: () => draftsView(ctx) }
        : {}),
    };
    replaceChildren(main, (views[route] ?? views.compose!)());
  };
  // A message survives the navigation that follows it ("Đã phát hành…" above the report); a tab click clears it.
  nav.addEventListener('click', () => say(''));
  window.onhashchange = show;
  live.start();
  show();
}

whenSessionEnds((message) => loginView(message));
void start();
