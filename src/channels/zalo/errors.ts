/**
 * What to do about each OA API error code (reference §5.1). Zalo answers application errors with HTTP 200 and a
 * non-zero `error`; the client looks the code up here instead of scattering numbers through its logic.
 */
export type ZaloFailureKind =
  | 'rate_limited'
  | 'send_failed'
  | 'token'
  | 'not_follower'
  | 'outside_window'
  | 'invalid_request'
  | 'recipient_unavailable'
  | 'configuration'
  | 'network'
  | 'other';

export type ZaloErrorAction = 'retry' | 'refresh_token' | 'give_up';

interface ErrorRule {
  action: ZaloErrorAction;
  kind: ZaloFailureKind;
  meaning: string;
}

const RULES: Record<number, ErrorRule> = {
  [-32]: { action: 'retry', kind: 'rate_limited', meaning: 'request rate limit reached' },
  [-200]: { action: 'retry', kind: 'send_failed', meaning: 'sending failed on Zalo' },
  [-211]: { action: 'give_up', kind: 'rate_limited', meaning: 'feature quota exceeded' },
  [-216]: { action: 'refresh_token', kind: 'token', meaning: 'access token invalid' },
  [-220]: { action: 'refresh_token', kind: 'token', meaning: 'access token expired or revoked' },
  [-124]: { action: 'refresh_token', kind: 'token', meaning: 'access token invalid' },
  [-213]: { action: 'give_up', kind: 'not_follower', meaning: 'user does not follow the OA' },
  [-230]: { action: 'give_up', kind: 'outside_window', meaning: 'user has not interacted with the OA in the past 7 days' },
  [-231]: { action: 'give_up', kind: 'outside_window', meaning: 'user has not interacted with the OA' },
  [-232]: { action: 'give_up', kind: 'outside_window', meaning: 'user interaction has expired' },
  [-201]: { action: 'give_up', kind: 'invalid_request', meaning: 'invalid parameter (often an unknown user_id)' },
  [-210]: { action: 'give_up', kind: 'invalid_request', meaning: 'parameter exceeds its limit' },
  [-233]: { action: 'give_up', kind: 'invalid_request', meaning: 'message type invalid or unsupported' },
  [-217]: { action: 'give_up', kind: 'recipient_unavailable', meaning: 'user blocked OA invitations' },
  [-218]: { action: 'give_up', kind: 'recipient_unavailable', meaning: 'per-recipient send limit reached' },
  [-227]: { action: 'give_up', kind: 'recipient_unavailable', meaning: 'user banned or inactive for over 45 days' },
  [-244]: { action: 'give_up', kind: 'recipient_unavailable', meaning: 'user restricted this message type' },
  [-204]: { action: 'give_up', kind: 'configuration', meaning: 'OA disabled' },
  [-205]: { action: 'give_up', kind: 'configuration', meaning: 'OA not found' },
  [-209]: { action: 'give_up', kind: 'configuration', meaning: 'app not activated' },
  [-212]: { action: 'give_up', kind: 'configuration', meaning: 'app has not registered this API' },
  [-219]: { action: 'give_up', kind: 'configuration', meaning: 'app removed or disabled' },
  [-221]: { action: 'give_up', kind: 'configuration', meaning: 'OA must be verified for this feature' },
  [-223]: { action: 'give_up', kind: 'configuration', meaning: 'OA has not authorised this API' },
  [-224]: { action: 'give_up', kind: 'configuration', meaning: 'OA package does not include this feature' },
  [-235]: { action: 'give_up', kind: 'configuration', meaning: 'API not supported for this OA type' },
  [-240]: { action: 'give_up', kind: 'configuration', meaning: 'message API v2 is shut down' },
  [-242]: { action: 'give_up', kind: 'configuration', meaning: 'invalid appsecret_proof' },
};

export function zaloErrorRule(code: number): ErrorRule {
  return RULES[code] ?? { action: 'give_up', kind: 'other', meaning: 'unlisted Zalo error' };
}
