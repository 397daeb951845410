/**
 * `npm run dev:zalo`: a local Zalo on 127.0.0.1 and a terminal chat "as a Zalo user" with a running service.
 * Start the service with the ZALO_* variables this prints (they point it at the mock), then type messages here; the
 * mock signs each one like Zalo, POSTs it to the service's /webhooks/zalo, and prints the bot's replies as Zalo
 * accepted them. Slash commands send the other events (follow, images, the information form…).
 *
 * MOCK_ZALO_PORT (default 3901) and SERVICE_URL (default http://127.0.0.1:3000) change the addresses.
 */
import { createInterface } from 'node:readline';
import { MockZalo } from '../test/support/mock-zalo/server.js';

const port = Number(process.env.MOCK_ZALO_PORT ?? 3901);
const serviceUrl = (process.env.SERVICE_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const DAY_MS = 24 * 60 * 60 * 1000;

const mock = await MockZalo.start({
  port,
  appId: '1234567890123456789',
  appSecret: 'dev-app-secret',
  oaSecretKey: 'dev-oa-secret-key',
  accessToken: 'dev-access-token',
  refreshToken: 'dev-refresh-token',
  // The service keeps its rotated pair in DATA_DIR; a fresh mock must still accept it after a restart.
  acceptUnknownRefreshTokens: true,
  webhookUrl: `${serviceUrl}/webhooks/zalo`,
});

let userId = '8000000000000000001';
let lastEvent: Parameters<MockZalo['deliver']>[0] | null = null;

const HELP = `Gõ tin nhắn rồi Enter để gửi như một người dùng Zalo. Lệnh:
  /follow, /unfollow          quan tâm / bỏ quan tâm OA
  /image, /sticker, /location gửi ảnh, nhãn dán, vị trí
  /info <xã hoặc địa chỉ>     gửi biểu mẫu thông tin người dùng (user_submit_info)
  /again                      Zalo gửi lại sự kiện vừa rồi (kiểm tra chống trùng)
  /user <id>                  đổi sang người dùng khác
  /window <số ngày>           lần tương tác cuối cách đây N ngày (thử lỗi -230 ngoài 7 ngày)
  /expire                     làm hết hạn access token (thử làm mới token)
  /help, /quit`;

console.log(`Mock Zalo: ${mock.url}   webhook → ${mock.webhookUrl}
Start the service with:

  ${Object.entries(mock.env())
    .map(([key, value]) => `${key}=${value}`)
    .join(' \\\n  ')} \\
  npm run dev

${HELP}
`);

mock.onMessage((message) => {
  const who = message.userId === userId ? '' : ` → ${message.userId}`;
  const buttons = (message.message.attachment as { payload?: { buttons?: { title: string; payload: string }[] } } | undefined)
    ?.payload?.buttons;
  const shown = buttons ? `${message.text}\n${buttons.map((b) => `  [${b.title}] (gửi "${b.payload}")`).join('\n')}` : message.text;
  console.log(`\nbot${who}> ${shown.replace(/\n/g, '\n     ')}\n`);
});

async function deliver(event: Parameters<MockZalo['deliver']>[0]): Promise<void> {
  lastEvent = event;
  try {
    const { status, body } = await mock.deliver(event);
    if (status !== 200) console.log(`(dịch vụ trả lời HTTP ${status}: ${body})`);
  } catch (error) {
    console.log(`(không gửi được tới ${mock.webhookUrl}: ${(error as Error).message}. Dịch vụ đã chạy chưa?)`);
  }
}

const rl = createInterface({ input: process.stdin, output: process.stdout });
const prompt = () => {
  rl.setPrompt(`bạn (${userId.slice(-4)})> `);
  rl.prompt();
};
prompt();
for await (const input of rl) {
  const line = input.trim();
  if (line === '/quit') break;
  await handle(line);
  prompt();
}
rl.close();
await mock.close();
process.exit(0);

async function handle(line: string): Promise<void> {
  if (!line) return;
  const [command, ...rest] = line.split(' ');
  const argument = rest.join(' ').trim();
  switch (command) {
    case '/help':
      console.log(HELP);
      break;
    case '/follow':
    case '/unfollow':
      await deliver(mock.followEvent(userId, command === '/follow'));
      break;
    case '/image':
    case '/sticker':
    case '/location':
      await deliver(mock.attachmentEvent(userId, command.slice(1) as 'image' | 'sticker' | 'location'));
      break;
    case '/info':
      await deliver(mock.submitInfoEvent(userId, { ward: argument || undefined, city: 'Hải Phòng' }));
      break;
    case '/again':
      if (lastEvent) await deliver(lastEvent);
      else console.log('(chưa có sự kiện nào)');
      break;
    case '/user':
      if (/^\d{1,32}$/.test(argument)) userId = argument;
      else console.log('(mã người dùng Zalo là một dãy số)');
      break;
    case '/window': {
      const days = Number(argument || 8);
      mock.setUser(userId, { lastInteractionAt: Date.now() - days * DAY_MS });
      console.log(`(lần tương tác cuối: ${days} ngày trước; tin nhắn tiếp theo của bạn sẽ làm mới nó)`);
      break;
    }
    case '/expire':
      mock.expireAccessTokens();
      console.log('(mọi access token đã hết hạn)');
      break;
    default:
      await deliver(mock.textEvent(userId, line));
  }
}
