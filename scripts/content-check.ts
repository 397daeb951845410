/**
 * `npm run content:check`: validates content/ the way start-up does (answer cards, knowledge entries, referrals, loan
 * rates) and prints one line per problem, or the counts when all is well. For people editing the YAML files.
 */
import { join } from 'node:path';
import { loadAnswerContent } from '../src/content/answer-content.js';
import { INTENT_NAMES } from '../src/content/intents-list.js';

try {
  const { cards, knowledge } = await loadAnswerContent(join(import.meta.dirname, '..', 'content'), INTENT_NAMES);
  const perTopic = new Map<string, number>();
  for (const e of knowledge.entries) perTopic.set(e.topic, (perTopic.get(e.topic) ?? 0) + 1);
  console.log(`OK: ${cards.size} answer cards, ${knowledge.entries.length} knowledge entries, ${knowledge.referrals.length} referrals`);
  console.log([...perTopic].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${n}`).join(', '));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
