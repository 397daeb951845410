/**
 * Every intent the service knows, in one place: the matcher's training data, the answer content and the skills
 * are all checked against this list, so a name misspelt anywhere fails at start-up instead of mid-conversation.
 */
export const INTENT_NAMES = [
  // Conversation
  'greeting',
  'thanks_goodbye',
  'help',
  'human_handoff',
  'contact',
  'fallback',
  // Standards and the review
  'screening_start',
  'poverty_standard',
  'review_process',
  'entitlements_overview',
  // Support by area
  'credit',
  'health_insurance',
  'education',
  'housing',
  'vocational_training',
  'employment',
  'labour_export',
  'production_support',
  'nutrition',
  'legal_aid',
  'information_access',
  'clean_water_sanitation',
  'poor_fund_donation',
  'holiday_gifts',
  // Announcements and the citizen's data
  'announcements',
  'subscribe',
  'unsubscribe',
  'privacy',
] as const;

export type IntentName = (typeof INTENT_NAMES)[number];

