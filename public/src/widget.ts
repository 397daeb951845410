/**
 * Entry of widget.js. A portal page embeds
 *   <script src="https://<service>/widget.js" defer data-commune="…" data-title="…" data-color="#…"></script>
 * and gets a launcher button in an open shadow root; the chat panel is built on the first click. The service's address
 * is the folder widget.js was loaded from, so a service behind a path prefix (https://portal/giamngheo/widget.js)
 * is called under that prefix.
 */
import { TOKEN_PATTERN } from '../../src/channels/web/wire.js';
import { ChatWidget } from './chat-widget.js';
import { readableAccent } from './color.js';
import { h, icon } from './dom.js';
import { History } from './history.js';
import { t } from './strings.js';
import { css } from './styles.js';

const HOST_TAG = 'tro-ly-giam-ngheo';
const CHAT_ICON =
  'M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2zM6 9h12v2H6V9zm8 5H6v-2h8v2zm4-6H6V6h12v2z';

function adoptStyles(root: ShadowRoot): void {
  try {
    // A constructed sheet is not inline CSS, so pages with a strict style-src still style the widget.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.append(h('style', {}, css));
  }
}

function mount(script: HTMLScriptElement): void {
  if (document.querySelector(HOST_TAG)) return;
  const data = script.dataset;
  const service = new URL('./', new URL(script.src, location.href));
  const commune = data.commune && TOKEN_PATTERN.test(data.commune) ? data.commune : undefined;
  const config = { service, title: data.title?.trim() || t.defaultTitle, commune };

  const host = document.createElement(HOST_TAG);
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root);
  const container = h('div', { class: 'w' });
  container.style.setProperty('--accent', readableAccent(data.color));
  const launcher = h(
    'button',
    { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'tl-panel' },
    icon(CHAT_ICON),
    t.launcher,
  );
  container.append(launcher);
  root.append(container);
  document.body.append(host);

  const history = new History(service.origin);
  let widget: ChatWidget | null = null;
  const ready = () => {
    widget ??= new ChatWidget(container, launcher, config, history);
    return widget;
  };
  launcher.addEventListener('click', () => {
    const w = ready();
    if (w.isOpen) w.close();
    else w.open();
  });
  // Messages typed on an earlier page while offline are sent without waiting for the panel to open.
  if (history.pending().length) ready().start();
  performance.mark?.('tro-ly-giam-ngheo:ready');
}

const script = document.currentScript;
if (script instanceof HTMLScriptElement) {
  if (document.body) mount(script);
  else document.addEventListener('DOMContentLoaded', () => mount(script));
}
