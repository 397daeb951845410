import { type Announcement, api, type Channel, type ChannelReport, type Report } from './console-api.js';
import type { ConsoleContext } from './console-context.js';
import { communeLabel, STATES, STATUS, when } from './console-format.js';
import { h, replaceChildren } from './dom.js';

const POLL_MS = 3000;
const CHANNEL_NAME: Record<Channel, string> = { zalo: 'Zalo', web: 'Trang web (bảng tin và khung trò chuyện đang mở)' };

const targets = (ctx: ConsoleContext, communes: Announcement['communes']) =>
  communes === 'all'
    ? 'Toàn thành phố'
    : communes.map((id) => (ctx.communeById.get(id) ? communeLabel(ctx.communeById.get(id)!) : id)).join(', ');

/** The announcements this staff member manages, newest first. */
export function listView(ctx: ConsoleContext): HTMLElement {
  const body = h('div', {}, h('p', { class: 'hint' }, 'Đang tải…'));
  void api<Announcement[]>('GET', 'api/staff/announcements?limit=100').then(
    (items) =>
      replaceChildren(
        body,
        items.length === 0
          ? h('p', { class: 'hint' }, 'Chưa có thông báo nào.')
          : h(
              'ul',
              { class: 'announcements' },
              ...items.map((a) => {
                const open = h('a', { href: `#report/${a.id}` }, a.title);
                return h(
                  'li',
                  {},
                  open,
                  h('span', { class: `status ${a.status}` }, STATUS[a.status]),
                  h('small', {}, `${targets(ctx, a.communes)} · ${when(a.publishedAt ?? a.scheduledAt ?? a.createdAt)} · ${a.author}`),
                );
              }),
            ),
      ),
    (error: Error) => replaceChildren(body, h('p', { class: 'error' }, error.message)),
  );
  return h('section', {}, h('h2', {}, 'Thông báo đã gửi'), body);
}

/** One announcement and what happened to it, refreshed every few seconds while anything is still on its way. */
export function reportView(ctx: ConsoleContext, id: string): HTMLElement {
  const view = h('section', { class: 'report' }, h('p', { class: 'hint' }, 'Đang tải…'));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const load = async () => {
    if (!view.isConnected && timer !== undefined) return;
    try {
      const data = await api<Report>('GET', `api/announcements/${id}`);
      render(data);
      const zalo = data.report.zalo?.counts;
      const moving = data.announcement.status === 'scheduled' || data.announcement.status === 'publishing' || (zalo && zalo.queued + zalo.sending > 0);
      if (moving) timer = setTimeout(() => void (view.isConnected && load()), POLL_MS);
    } catch (error) {
      replaceChildren(view, h('p', { class: 'error' }, (error as Error).message));
    }
  };

  const render = ({ announcement: a, report }: Report) => {
    const withdraw =
      a.status === 'withdrawn'
        ? null
        : h('button', { type: 'button', class: 'danger', id: 'withdraw' }, a.status === 'scheduled' ? 'Hủy hẹn giờ' : 'Thu hồi');
    withdraw?.addEventListener('click', async () => {
      const question =
        'Thu hồi thông báo này? Thông báo sẽ bị gỡ khỏi bảng tin và không gửi thêm cho ai. Tin Zalo đã gửi thì không thu hồi được.';
      if (!window.confirm(question)) return;
      try {
        await api('POST', `api/announcements/${a.id}/withdraw`);
        ctx.say('Đã thu hồi thông báo.', 'ok');
        clearTimeout(timer);
        await load();
      } catch (error) {
        ctx.say((error as Error).message, 'error');
      }
    });
    replaceChildren(
      view,
      h('h2', {}, a.title),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Trạng thái'),
        h('dd', { id: 'status' }, STATUS[a.status]),
        h('dt', {}, 'Gửi tới'),
        h('dd', {}, targets(ctx, a.communes)),
        h('dt', {}, a.scheduledAt && !a.publishedAt ? 'Hẹn gửi lúc' : 'Phát hành lúc'),
        h('dd', {}, when(a.publishedAt ?? a.scheduledAt)),
        h('dt', {}, 'Người soạn'),
        h('dd', {}, a.author),
        a.withdrawnAt && h('dt', {}, 'Thu hồi'),
        a.withdrawnAt && h('dd', {}, `${when(a.withdrawnAt)} bởi ${a.withdrawnBy ?? ''}`),
      ),
      ...a.channels.map((channel) => channelReport(channel, report[channel], ctx.me.quietHours)),
      h('details', {}, h('summary', {}, 'Nội dung'), h('p', { class: 'body' }, a.body)),
      withdraw,
    );
  };

  void load();
  return view;
}

function channelReport(channel: Channel, report: ChannelReport | undefined, quietHours: string | null): HTMLElement {
  if (!report) return h('section', { class: 'channel' }, h('h3', {}, CHANNEL_NAME[channel]), h('p', { class: 'hint' }, 'Chưa phát hành.'));
  if (channel === 'web') {
    return h(
      'section',
      { class: 'channel', 'data-channel': 'web' },
      h('h3', {}, CHANNEL_NAME.web),
      h('p', {}, `Đã đăng lên bảng tin của ${report.counts.sent} xã/phường và đẩy ngay tới các khung trò chuyện đang mở.`),
    );
  }
  const waiting = report.counts.queued > 0 && quietHours ? h('p', { class: 'hint' }, `Tin chờ gửi sẽ đi khi hết giờ nghỉ (${quietHours}) hoặc khi Zalo cho phép.`) : null;
  return h(
    'section',
    { class: 'channel', 'data-channel': 'zalo' },
    h('h3', {}, `Zalo: ${report.total} người dân`),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        ...STATES.map(([state, label]) =>
          h('tr', { 'data-state': state }, h('th', { scope: 'row' }, label), h('td', {}, String(report.counts[state]))),
        ),
      ),
    ),
    waiting,
    report.reasons.length > 0 &&
      h(
        'div',
        { class: 'reasons' },
        h('h4', {}, 'Chi tiết'),
        h(
          'ul',
          {},
          ...report.reasons.map((r) =>
            // Zalo's own words (with its error code) stay visible: the officer may need them to ask for help.
            h('li', {}, `${r.label}: ${r.count}`, r.reason.startsWith('zalo:') && h('small', {}, ` (${r.reason.replace(/^zalo:[a-z_]+: /, '')})`)),
          ),
        ),
      ),
  );
}
