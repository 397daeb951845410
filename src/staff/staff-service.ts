import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { StaffRecord } from '../storage/records.js';
import type { StaffRepository, StaffSessionRepository } from '../storage/repositories.js';
import type { AccountPatch, NewAccount } from './account-input.js';
import { type AuditLog, SYSTEM_ACTOR } from './audit-log.js';
import { LoginThrottle } from './login-throttle.js';
import { decoyHash, hashPassword, verifyPassword } from './password.js';
import { isStrongPassword } from './password-policy.js';
import { identityOf, type StaffIdentity } from './scope.js';

export interface StaffServiceOptions {
  staff: StaffRepository;
  sessions: StaffSessionRepository;
  audit: AuditLog;
  clock: Clock;
  sessionHours: number;
  /** Whether a commune id exists (the commune directory). */
  isCommune: (id: string) => boolean;
  throttle?: LoginThrottle;
}

/** An account as shown to admins: never the password hash. */
export interface AccountView {
  username: string;
  displayName: string;
  role: StaffRecord['role'];
  communes: string[];
  disabled: boolean;
  createdAt: string;
}

export interface LoginResult {
  token: string;
  staff: StaffIdentity;
}

/** Too many failed logins for the account or the address; the route adds a Retry-After header. */
export class LoginThrottledError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_attempts', `Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ${Math.ceil(retryAfterSeconds / 60)} phút.`);
  }
}

/** The actor recorded for failed logins: whoever typed the name is not known. */
const ANONYMOUS_ACTOR = 'anonymous';

const sessionId = (token: string) => createHash('sha256').update(token).digest('hex');

function view(record: StaffRecord): AccountView {
  const { id, displayName, role, communes, disabled, createdAt } = record;
  return { username: id, displayName, role, communes, disabled, createdAt };
}

/** Staff accounts, logins and account management; every change goes to the audit log. */
export class StaffService {
  readonly #o: StaffServiceOptions;
  readonly #throttle: LoginThrottle;

  constructor(options: StaffServiceOptions) {
    this.#o = options;
    this.#throttle = options.throttle ?? new LoginThrottle(options.clock);
  }

  /**
   * Creates the first admin from ADMIN_USERNAME/ADMIN_PASSWORD when no account has that name yet; a password the
   * policy refuses creates nothing.
   */
  async ensureFirstAdmin(
    username: string | undefined,
    password: string | undefined,
  ): Promise<'created' | 'exists' | 'not_configured' | 'weak_password'> {
    if (!username || !password) return 'not_configured';
    const name = username.trim().toLowerCase();
    if (await this.#o.staff.get(name)) return 'exists';
    if (!isStrongPassword(password, [name])) return 'weak_password';
    await this.create(SYSTEM_ACTOR, { username: name, role: 'admin', communes: [], password, displayName: 'Quản trị viên' });
    return 'created';
  }

  async login(username: string, password: string, address: string): Promise<LoginResult> {
    const name = username.trim().toLowerCase();
    const waitMs = await this.#throttle.retryAfterMs(name, address);
    if (waitMs > 0) throw new LoginThrottledError(Math.ceil(waitMs / 1000));
    const record = await this.#o.staff.get(name);
    const correct = await verifyPassword(password, record?.passwordHash ?? (await decoyHash()));
    if (!record || !correct) {
      const startsWait = await this.#throttle.recordFailure(name, address);
      // Bounded by the throttle: once delays start, refused tries are not written, only the start of each delay.
      await this.#o.audit.record(ANONYMOUS_ACTOR, 'staff.login_failed', name, { address });
      if (startsWait > 0) {
        await this.#o.audit.record(ANONYMOUS_ACTOR, 'staff.login_throttled', name, {
          address,
          retryAfterSeconds: Math.ceil(startsWait / 1000),
        });
      }
      throw new AppError('invalid_credentials');
    }
    if (record.disabled) {
      throw new AppError('account_disabled');
    }
    await this.#throttle.recordSuccess(name, address);
    const now = this.#o.clock.now();
    await this.#o.sessions.purgeExpired(now);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.#o.sessionHours * 3_600_000);
    await this.#o.sessions.save({
      id: sessionId(token),
      username: name,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    await this.#o.audit.record(name, 'staff.login', name);
    return { token, staff: identityOf(record) };
  }

  /** The staff member behind a session cookie; null when the session is unknown, expired or the account disabled. */
  async authenticate(token: string | undefined): Promise<StaffIdentity | null> {
    if (!token) return null;
    const session = await this.#o.sessions.get(sessionId(token));
    if (!session) return null;
    if (Date.parse(session.expiresAt) <= this.#o.clock.now().getTime()) {
      await this.#o.sessions.delete(session.id);
      return null;
    }
    const record = await this.#o.staff.get(session.username);
    if (!record || record.disabled) return null;
    return identityOf(record);
  }

  async logout(token: string, staff: StaffIdentity): Promise<void> {
    await this.#o.sessions.delete(sessionId(token));
    await this.#o.audit.record(staff.username, 'staff.logout', staff.username);
  }

  async list(): Promise<AccountView[]> {
    return (await this.#o.staff.list()).map(view).sort((a, b) => a.username.localeCompare(b.username));
  }

  async create(actor: string, input: NewAccount): Promise<AccountView> {
    if (await this.#o.staff.get(input.username)) {
      throw new AppError('username_taken', `Tên đăng nhập "${input.username}" đã có người dùng.`);
    }
    const communes = this.#checkCommunes(input.role, input.communes);
    const record: StaffRecord = {
      id: input.username,
      role: input.role,
      communes,
      passwordHash: await hashPassword(input.password),
      displayName: input.displayName ?? input.username,
      createdAt: this.#o.clock.now().toISOString(),
      disabled: false,
    };
    await this.#o.staff.save(record);
    await this.#o.audit.record(actor, 'staff.create', record.id, { role: record.role, communes });
    return view(record);
  }

  async update(actor: StaffIdentity, username: string, patch: AccountPatch): Promise<AccountView> {
    const record = await this.#existing(username);
    const demotesSelf = patch.role !== undefined && patch.role !== record.role;
    if (record.id === actor.username && (demotesSelf || patch.disabled)) {
      throw new AppError('cannot_change_self', 'Không thể tự khóa hoặc tự đổi vai trò của chính mình.');
    }
    const role = patch.role ?? record.role;
    const next: StaffRecord = {
      ...record,
      role,
      communes: patch.communes || patch.role ? this.#checkCommunes(role, patch.communes ?? record.communes) : record.communes,
      displayName: patch.displayName ?? record.displayName,
      disabled: patch.disabled ?? record.disabled,
      passwordHash: patch.password ? await hashPassword(patch.password) : record.passwordHash,
    };
    if (record.role === 'admin' && (next.role !== 'admin' || next.disabled)) await this.#keepAnAdmin(record.id);
    await this.#o.staff.save(next);
    // A new password or a locked account ends the sessions already open with the old state.
    if (patch.password || next.disabled) await this.#o.sessions.deleteForUser(record.id);
    const changes = Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, k === 'password' ? 'changed' : v]));
    await this.#o.audit.record(actor.username, 'staff.update', record.id, changes);
    return view(next);
  }

  async remove(actor: StaffIdentity, username: string): Promise<void> {
    const record = await this.#existing(username);
    if (record.id === actor.username) {
      throw new AppError('cannot_change_self', 'Không thể tự xóa tài khoản của chính mình.');
    }
    if (record.role === 'admin') await this.#keepAnAdmin(record.id);
    await this.#o.staff.delete(record.id);
    await this.#o.sessions.deleteForUser(record.id);
    await this.#o.audit.record(actor.username, 'staff.delete', record.id);
  }

  /** Changes one's own password and ends the account's other sessions (the one making the change stays open). */
  async changeOwnPassword(actor: StaffIdentity, token: string, current: string, next: string): Promise<void> {
    const record = await this.#existing(actor.username);
    if (!(await verifyPassword(current, record.passwordHash))) {
      throw new AppError('wrong_password');
    }
    if (!isStrongPassword(next, [record.id, record.displayName])) throw new AppError('weak_password');
    await this.#o.staff.save({ ...record, passwordHash: await hashPassword(next) });
    const kept = await this.#o.sessions.get(sessionId(token));
    const ended = await this.#o.sessions.deleteForUser(record.id);
    if (kept) await this.#o.sessions.save(kept);
    await this.#o.audit.record(actor.username, 'staff.password', actor.username, { endedSessions: ended - (kept ? 1 : 0) });
  }

  async #existing(username: string): Promise<StaffRecord> {
    const record = await this.#o.staff.get(username.trim().toLowerCase());
    if (!record) throw new AppError('unknown_staff', `Không có tài khoản "${username}".`);
    return record;
  }

  #checkCommunes(role: StaffRecord['role'], communes: readonly string[]): string[] {
    if (role === 'admin') return [];
    const unique = [...new Set(communes)];
    if (unique.length === 0) {
      throw new AppError('communes_required');
    }
    const unknown = unique.filter((id) => !this.#o.isCommune(id));
    if (unknown.length) {
      throw new AppError('invalid_commune', `Không có xã/phường với mã: ${unknown.join(', ')}.`);
    }
    return unique;
  }

  async #keepAnAdmin(leaving: string): Promise<void> {
    const others = (await this.#o.staff.list()).filter((s) => s.role === 'admin' && !s.disabled && s.id !== leaving);
    if (others.length === 0) {
      throw new AppError('last_admin');
    }
  }
}
