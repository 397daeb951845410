import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../clock.js';
import { AddressBudget } from '../../http/address-budget.js';

/** Refused (unsigned or badly signed) webhook posts answered 401 per address per minute; beyond, 429. */
export const REFUSED_POSTS_PER_ADDRESS_PER_MINUTE = 30;
/** Consecutive well-formed but wrong signatures (no valid one between) that raise the alert. */
export const SIGNATURE_ALERT_AFTER = 3;

const MINUTE_MS = 60_000;
/** The console's warning stays this long after the last wrong signature (or until a valid one arrives). */
const ALERT_SHOWN_MS = 60 * MINUTE_MS;

export const SIGNATURE_ALERT_TEXT =
  'Chữ ký webhook Zalo liên tục sai: kiểm tra ZALO_OA_SECRET_KEY (khóa bí mật của OA trong trang quản lý ứng dụng Zalo, không phải app secret).';

/**
 * Watches refused webhook posts: limits them per address, logs them sampled (one line per minute with a count, so a
 * flood cannot fill the disk), and raises an alert when posts that look like Zalo's keep failing the signature —
 * the mark of a wrong ZALO_OA_SECRET_KEY (or of someone forging posts; either way worth a look).
 */
export class SignatureWatch {
  readonly #budget: AddressBudget;
  #refusedSinceLine = 0;
  #lastLineAt = Number.NEGATIVE_INFINITY;
  #wrongInARow = 0;
  #lastAlertLineAt = Number.NEGATIVE_INFINITY;
  #lastWrongAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
  ) {
    this.#budget = new AddressBudget(REFUSED_POSTS_PER_ADDRESS_PER_MINUTE, clock);
  }

  /**
   * Counts a refused post; `wrongMac` when it carried a well-formed signature that did not match. Returns whether
   * the address is still within its budget (answer 401) rather than over it (answer 429).
   */
  refused(address: string, wrongMac: boolean): boolean {
    const now = this.clock.now().getTime();
    this.#refusedSinceLine++;
    if (now - this.#lastLineAt >= MINUTE_MS) {
      this.log.warn({ refused: this.#refusedSinceLine }, 'Zalo webhook posts refused (missing or wrong signature) since the last such line');
      this.#refusedSinceLine = 0;
      this.#lastLineAt = now;
    }
    if (wrongMac) {
      this.#wrongInARow++;
      this.#lastWrongAt = now;
      if (this.#wrongInARow >= SIGNATURE_ALERT_AFTER && now - this.#lastAlertLineAt >= MINUTE_MS) {
        this.#lastAlertLineAt = now;
        this.log.error(
          { alert: 'zalo_signature', wrongInARow: this.#wrongInARow },
          'ALERT: Zalo webhook signatures keep failing: check ZALO_OA_SECRET_KEY (the OA secret key, not the app secret), then restart',
        );
      }
    }
    return this.#budget.allow(address);
  }

  /** A valid signature: the key is right, the alert ends. */
  accepted(): void {
    this.#wrongInARow = 0;
  }

  /** The staff console's warning, or null. */
  alert(): string | null {
    const raised = this.#wrongInARow >= SIGNATURE_ALERT_AFTER;
    return raised && this.clock.now().getTime() - this.#lastWrongAt < ALERT_SHOWN_MS ? SIGNATURE_ALERT_TEXT : null;
  }
}
