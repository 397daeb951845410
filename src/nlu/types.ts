export interface IntentScore {
  name: string;
  confidence: number;
}

export type EntityName = 'money' | 'count' | 'area' | 'commune';

export interface Entity {
  entity: EntityName;
  /** money: đồng (number); count: number; area: "rural" | "urban"; commune: commune id (string). */
  value: number | string;
  text: string;
  start: number;
  end: number;
  /** commune: other candidates when a former name was split between several new communes. */
  alternatives?: string[];
  /** area: inferred from the unit-type word (xã → rural, phường/thị trấn → urban), not stated outright. */
  inferred?: boolean;
}

export interface ParseResult {
  text: string;
  intent: IntentScore;
  ranking: IntentScore[];
  entities: Entity[];
}

export interface Parser {
  parse(text: string): ParseResult;
}
