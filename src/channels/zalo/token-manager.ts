import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import type { ZaloSettings } from '../../config.js';
import type { TokenRecord } from '../../storage/records.js';
import type { TokenRepository } from '../../storage/repositories.js';

/** Zalo refused the refresh token: nothing can be sent until an OA admin grants the app again. */
export class TokenUnavailableError extends Error {
  override name = 'TokenUnavailableError';
}

/** The token endpoint could not be reached or answered nonsense; the next call tries again. */
export class TokenRefreshError extends Error {
  override name = 'TokenRefreshError';
}

const refreshed = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  // Zalo sends seconds as a string ("90000").
  expires_in: z.coerce.number().int().positive(),
});
const refused = z.object({ error: z.coerce.number().int(), error_name: z.string().optional() });

/**
 * Refusals caused by the app's credentials (reference §4.3): the refresh token was not used up, so fixing the
 * setting and restarting is enough. Every other refusal (-14005, -14014, -14018, an expired or used refresh token…)
 * means the token is dead and the OA admin must grant the app again.
 */
const CONFIGURATION_REFUSALS: Record<number, { variable: string; what: string }> = {
  [-14002]: { variable: 'ZALO_APP_ID', what: 'app id' },
  [-14004]: { variable: 'ZALO_APP_SECRET', what: 'secret key' },
};

/** Refresh this long before the access token expires (Zalo's tokens live ~25 h). */
const REFRESH_AHEAD_MS = 2 * 60 * 60 * 1000;
const CHECK_EVERY_MS = 30 * 60 * 1000;
const REQUEST_TIMEOUT_MS = 15_000;
/** What a lease must outlast a token request by (the request's own time-out aside). */
const LEASE_MARGIN_MS = 5_000;

/** The holder's lease on the refresh lock. */
export interface RefreshLease {
  /** Throws TokenRefreshError unless the lock stays this process's for at least `ms` more (checked before spending). */
  assertHeldFor(ms: number): Promise<void>;
}

/**
 * Makes a refresh single-flight across instances (several instances share one stored pair and one single-use
 * refresh token). In one process the manager's own single-flight is enough: the default runs `work` at once.
 */
export interface RefreshLock {
  run<T>(work: (lease: RefreshLease) => Promise<T>): Promise<T>;
}

export const inProcessRefreshLock: RefreshLock = { run: (work) => work({ assertHeldFor: async () => undefined }) };

export interface TokenManagerOptions {
  settings: Pick<ZaloSettings, 'appId' | 'appSecret' | 'oauthBase' | 'accessToken' | 'refreshToken'>;
  repo: TokenRepository;
  clock: Clock;
  log: FastifyBaseLogger;
  /** Across instances (Redis); in-process by default. */
  lock?: RefreshLock;
}

/**
 * The OA access token and its single-use refresh token (reference §4.2–4.3). Every rotated pair is written to
 * storage before it is used, refreshes are single-flight, and a refused refresh raises `alert` (shown in the staff
 * console) instead of being retried in a loop. The environment seeds the first pair only; afterwards the stored pair
 * wins, unless it was refused and the environment now holds a different refresh token (an admin granted again).
 * With several instances a refresh runs under a lock shared by them, and its holder reads the stored pair again first:
 * if another instance rotated it meanwhile, that pair is used and the spent refresh token is never sent.
 */
export class ZaloTokenManager {
  readonly #options: TokenManagerOptions;
  #record: Promise<TokenRecord> | null = null;
  #refreshing: Promise<string> | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: TokenManagerOptions) {
    this.#options = options;
  }

  /** Reads (or seeds) the stored pair, so the first send does not wait for storage. */
  async load(): Promise<void> {
    await this.#current();
  }

  /** A token that is not known to be expired; refreshes first when it is close to expiry. */
  async accessToken(): Promise<string> {
    const record = await this.#current();
    if (record.alert) throw new TokenUnavailableError(record.alert);
    if (record.accessToken && !this.#dueForRefresh(record)) return record.accessToken;
    return this.refresh(record.accessToken);
  }

  /**
   * Replaces the access token Zalo rejected. Callers that saw the same rejected token share one refresh; a caller
   * whose token was already replaced gets the new one without another refresh.
   */
  async refresh(rejected: string | null): Promise<string> {
    if (this.#refreshing) return this.#refreshing;
    const record = await this.#current();
    if (this.#refreshing) return this.#refreshing;
    if (record.alert) throw new TokenUnavailableError(record.alert);
    if (record.accessToken && record.accessToken !== rejected && !this.#dueForRefresh(record)) return record.accessToken;
    this.#refreshing = (this.#options.lock ?? inProcessRefreshLock)
      .run(async (lease) => {
        const latest = await this.#reread(record);
        if (latest.alert) throw new TokenUnavailableError(latest.alert);
        if (latest.accessToken && latest.accessToken !== rejected && !this.#dueForRefresh(latest)) return latest.accessToken;
        // The refresh token is spent the moment Zalo reads it: only while the lock outlasts the whole request.
        await lease.assertHeldFor(REQUEST_TIMEOUT_MS + LEASE_MARGIN_MS);
        return this.#rotate(latest);
      })
      .finally(() => {
        this.#refreshing = null;
      });
    return this.#refreshing;
  }

  /**
   * The stored pair as another instance may have left it. A refusal for the app's credentials that this run set aside
   * at load (see #load) stays set aside while the refresh token is the same.
   */
  async #reread(known: TokenRecord): Promise<TokenRecord> {
    const stored = await this.#options.repo.get();
    if (!stored) return known;
    const setAside = stored.refusal === 'configuration' && !known.alert && stored.refreshToken === known.refreshToken;
    const latest = setAside ? known : stored;
    this.#record = Promise.resolve(latest);
    return latest;
  }

  /**
   * Keeps the pair fresh while idle, so the refresh token is used (and renewed) long before it would expire; a seeded
   * access token of unknown expiry is replaced at the first check, which makes its expiry known.
   */
  start(): void {
    this.#timer = setInterval(() => {
      void this.keepFresh().catch(() => undefined);
    }, CHECK_EVERY_MS);
    this.#timer.unref();
  }

  /** One check of the timer: refreshes when the expiry is unknown or near. */
  async keepFresh(): Promise<void> {
    const record = await this.#current();
    if (record.alert) return;
    if (record.accessTokenExpiresAt === null) await this.refresh(record.accessToken);
    else await this.accessToken();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #dueForRefresh(record: TokenRecord): boolean {
    if (!record.accessTokenExpiresAt) return false;
    return Date.parse(record.accessTokenExpiresAt) - this.#options.clock.now().getTime() <= REFRESH_AHEAD_MS;
  }

  #current(): Promise<TokenRecord> {
    this.#record ??= this.#load().catch((error: unknown) => {
      this.#record = null;
      throw error;
    });
    return this.#record;
  }

  async #load(): Promise<TokenRecord> {
    const { repo, settings, log } = this.#options;
    const stored = await repo.get();
    // Refused for the app's credentials: the stored refresh token is intact; try it again with this run's settings.
    if (stored?.refusal === 'configuration') return { ...stored, alert: null, refusal: undefined };
    if (stored && !(stored.alert && stored.refreshToken !== settings.refreshToken)) return stored;
    if (stored) log.info('Zalo refresh token was refused before; using the new one from ZALO_REFRESH_TOKEN');
    const seeded: TokenRecord = {
      id: 'zalo',
      accessToken: settings.accessToken ?? null,
      refreshToken: settings.refreshToken,
      accessTokenExpiresAt: null,
      refreshedAt: null,
      alert: null,
    };
    await repo.save(seeded);
    return seeded;
  }

  async #rotate(record: TokenRecord): Promise<string> {
    const { settings, repo, clock, log } = this.#options;
    let response: Response;
    let body: unknown;
    try {
      response = await fetch(`${settings.oauthBase}/v4/oa/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: settings.appSecret },
        body: new URLSearchParams({
          refresh_token: record.refreshToken,
          app_id: settings.appId,
          grant_type: 'refresh_token',
        }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      body = await response.json().catch(() => null);
    } catch (error) {
      log.warn({ err: { name: (error as Error).name } }, 'Zalo token endpoint unreachable; will try again');
      throw new TokenRefreshError('Zalo token endpoint unreachable');
    }

    const ok = refreshed.safeParse(body);
    if (ok.success) {
      const now = clock.now();
      const next: TokenRecord = {
        id: 'zalo',
        accessToken: ok.data.access_token,
        refreshToken: ok.data.refresh_token,
        accessTokenExpiresAt: new Date(now.getTime() + ok.data.expires_in * 1000).toISOString(),
        refreshedAt: now.toISOString(),
        alert: null,
      };
      // The old refresh token is dead from now on: the new pair must be durable before anything uses it.
      await repo.save(next);
      this.#record = Promise.resolve(next);
      log.info({ expiresAt: next.accessTokenExpiresAt }, 'Zalo access token refreshed');
      return next.accessToken!;
    }

    const refusal = response.status < 500 ? refused.safeParse(body) : null;
    if (!refusal?.success) {
      log.warn({ status: response.status }, 'Zalo token endpoint gave no usable answer; will try again');
      throw new TokenRefreshError(`Zalo token endpoint answered HTTP ${response.status} without tokens`);
    }
    const { error: code, error_name: errorName } = refusal.data;
    const configuration = CONFIGURATION_REFUSALS[code];
    const alert = configuration
      ? `Zalo từ chối ${configuration.variable} (mã lỗi ${code}). Bot tạm ngừng gửi tin trên Zalo: quản trị viên cần ` +
        `kiểm tra ${configuration.variable} trong trang quản lý ứng dụng Zalo (developers.zalo.me), sửa cấu hình và khởi động lại dịch vụ.`
      : `Zalo từ chối làm mới quyền truy cập của Official Account (mã lỗi ${code}). Bot tạm ngừng gửi tin trên Zalo: ` +
        'quản trị viên OA cần cấp quyền lại cho ứng dụng, rồi đặt mã làm mới (refresh token) mới vào ZALO_REFRESH_TOKEN và khởi động lại dịch vụ.';
    const halted: TokenRecord = {
      ...record,
      accessToken: null,
      accessTokenExpiresAt: null,
      alert,
      refusal: configuration ? 'configuration' : 'dead_token',
    };
    await repo.save(halted);
    this.#record = Promise.resolve(halted);
    if (configuration) {
      log.error(
        { alert: 'zalo_token', refusal: 'configuration', zaloError: code, zaloErrorName: errorName },
        `ALERT: Zalo refused the app's ${configuration.what} when refreshing the token: check ${configuration.variable}, then restart (the refresh token is still valid)`,
      );
    } else {
      log.error(
        { alert: 'zalo_token', refusal: 'dead_token', zaloError: code, zaloErrorName: errorName },
        'ALERT: Zalo refused the refresh token (expired, already used or revoked). Zalo sending is stopped until an OA admin grants the app again and ZALO_REFRESH_TOKEN is set to the new refresh token, then restart',
      );
    }
    throw new TokenUnavailableError(alert);
  }
}
