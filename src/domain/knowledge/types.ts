/**
 * The vocabulary of the knowledge base: question-level entries whose answer may depend on who asks. Entries are data
 * (content/knowledge/*.yaml, validated by src/content/knowledge.ts); what is said about the asker is `CitizenFacts`.
 */

export const HOUSEHOLD_CATEGORIES = ['poor', 'near_poor', 'newly_escaped', 'average_living', 'not_poor'] as const;
export type HouseholdCategory = (typeof HOUSEHOLD_CATEGORIES)[number];

export const SCHOOL_LEVELS = ['preschool', 'primary', 'lower_secondary', 'upper_secondary', 'vocational', 'university'] as const;
export type SchoolLevel = (typeof SCHOOL_LEVELS)[number];

/**
 * What a citizen has said about themselves or the person they ask for, in this conversation. Every field is optional:
 * facts are never asked for just to fill this in.
 */
export interface CitizenFacts {
  category?: HouseholdCategory;
  area?: 'rural' | 'urban';
  householdSize?: number;
  /** The whole household's income per month, đồng. */
  monthlyIncome?: number;
  /** Income per person per month, when given that way without the household's size, đồng. */
  incomePerPerson?: number;
  /** Age in whole years of the person the question is about. */
  age?: number;
  schoolLevel?: SchoolLevel;
  disability?: true;
  pregnant?: true;
  ethnicMinority?: true;
}

/** The conditions a variant applies under; every key given must hold, a list means any of its values. */
export interface Condition {
  category?: readonly HouseholdCategory[];
  area?: readonly ('rural' | 'urban')[];
  minAge?: number;
  maxAge?: number;
  schoolLevel?: readonly SchoolLevel[];
  disability?: true;
  pregnant?: true;
  ethnicMinority?: true;
}

export interface LegalReference {
  document: string;
  article?: string;
}

export interface Variant {
  when: Condition;
  answer: string;
  legalBasis?: readonly LegalReference[];
  where?: string;
}

export interface KnowledgeEntry {
  id: string;
  /** One of the intents: the topic the entry belongs to. */
  topic: string;
  question: string;
  paraphrases: readonly string[];
  /** The answer when no variant applies: right for anyone. */
  answer: string;
  variants: readonly Variant[];
  legalBasis: readonly LegalReference[];
  asOf?: string;
  where?: string;
  related: readonly string[];
  /** A dispute or a personal case: the reply offers to pass it to an officer. */
  handoff: boolean;
  kind: 'policy' | 'conversational';
}

export interface Referral {
  id: string;
  request: string;
  paraphrases: readonly string[];
  office: string;
  answer: string;
  asOf: string;
}
