/**
 * Staff accounts from the command line (the first admin, or when nobody can log in):
 *
 *   npm run staff -- create --username quantri --role admin [--name "Nguyễn Văn A"]
 *   npm run staff -- create --username canbo.thanhha --role officer --communes 10813,11560
 *   npm run staff -- set-password --username canbo.thanhha
 *   npm run staff -- lock --username canbo.thanhha        (unlock: the same with "unlock")
 *   npm run staff -- list
 *
 * The password is read from STAFF_PASSWORD, or asked for without echo. DATA_DIR (or DATABASE_URL) and CONTENT_DIR
 * come from the environment as for the service. Stop the service first: it keeps accounts in memory and would not see
 * the change (and could write over it); while it runs, use the console instead. Every change is in the audit log as "cli:<user>".
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/clock.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { loadCommunes } from '../src/content/communes.js';
import { AppError } from '../src/errors.js';
import { newAccountSchema, passwordSchema, usernameSchema } from '../src/staff/account-input.js';
import { AuditLog } from '../src/staff/audit-log.js';
import { StaffService } from '../src/staff/staff-service.js';
import { openStorage } from '../src/storage/index.js';

const USAGE = `Usage:
  npm run staff -- create --username <name> --role admin|officer [--communes <id,id>] [--name "<display name>"]
  npm run staff -- set-password --username <name>
  npm run staff -- lock|unlock --username <name>
  npm run staff -- list
Password: STAFF_PASSWORD, or typed when asked (not shown).`;

/** Reads a password: from STAFF_PASSWORD, a terminal without echo, or the first line of piped input. */
async function readPassword(): Promise<string> {
  if (process.env.STAFF_PASSWORD) return process.env.STAFF_PASSWORD;
  const { stdin, stdout } = process;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += chunk;
    return text.split(/\r?\n/)[0] ?? '';
  }
  stdout.write('Mật khẩu (ít nhất 10 ký tự): ');
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  return new Promise((resolve) => {
    let typed = '';
    const onData = (key: string) => {
      for (const ch of key) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          stdout.write('\n');
          return resolve(typed);
        }
        if (ch === '\u0003') process.exit(130);
        typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      username: { type: 'string' },
      role: { type: 'string' },
      communes: { type: 'string' },
      name: { type: 'string' },
    },
  });
  const command = positionals[0];
  const config = loadConfig();
  const storage = await openStorage({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    log: { error: (_, message) => console.error(message), info: () => undefined },
  });
  const communes = await loadCommunes(config.CONTENT_DIR);
  const staff = new StaffService({
    staff: storage.staff,
    sessions: storage.staffSessions,
    audit: new AuditLog(storage.audit, systemClock),
    clock: systemClock,
    sessionHours: config.STAFF_SESSION_HOURS,
    isCommune: (id) => communes.byId(id) !== undefined,
  });
  const actor = `cli:${userInfo().username}`;
  const cli = { username: actor, displayName: actor, role: 'admin' as const, communes: [] };

  switch (command) {
    case 'list':
      for (const a of await staff.list()) {
        const scope = a.role === 'admin' ? 'cả thành phố' : a.communes.join(',');
        console.log(`${a.username}\t${a.role}\t${scope}\t${a.disabled ? 'đã khóa' : 'hoạt động'}\t${a.displayName}`);
      }
      break;
    case 'create': {
      const input = newAccountSchema.parse({
        username: values.username,
        role: values.role,
        communes: values.communes ? values.communes.split(',').map((c) => c.trim()) : [],
        displayName: values.name,
        password: await readPassword(),
      });
      const created = await staff.create(actor, input);
      console.log(`Đã tạo tài khoản ${created.username} (${created.role}).`);
      break;
    }
    case 'set-password': {
      const username = usernameSchema.parse(values.username);
      await staff.update(cli, username, { password: passwordSchema.parse(await readPassword()) });
      console.log(`Đã đổi mật khẩu của ${username}; các phiên đăng nhập cũ đã kết thúc.`);
      break;
    }
    case 'lock':
    case 'unlock': {
      const username = usernameSchema.parse(values.username);
      await staff.update(cli, username, { disabled: command === 'lock' });
      console.log(`${command === 'lock' ? 'Đã khóa' : 'Đã mở khóa'} tài khoản ${username}.`);
      break;
    }
    default:
      console.error(USAGE);
      process.exitCode = 64; // EX_USAGE
  }
  await storage.close();
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof AppError) console.error(error.message);
  else if (error && typeof error === 'object' && 'issues' in error) {
    for (const issue of (error as { issues: { path: PropertyKey[]; message: string }[] }).issues) {
      console.error(`${issue.path.join('.') || 'input'}: ${issue.message}`);
    }
    console.error(USAGE);
  } else console.error((error as Error).message ?? error);
  process.exit(1);
});
