import type { Answer, AnswerBook, LegalReference } from '../../content/answers.js';
import type { QuickReply, Reply } from '../../engine/types.js';
import { perObject } from '../../memo.js';

/** The FAQ skill's name; the engine routes payloads starting with `answer:` (ANSWER_PAYLOAD_PREFIX) back to it. */
export const FAQ_SKILL_NAME = 'answer';

/**
 * One answer as a chat reply: the text, then its legal basis with the date it was checked, then where to go.
 * The content limits (ANSWER_LIMITS) keep the whole reply under Zalo's 2,000 characters.
 */
export function renderAnswer(answer: Answer): Reply {
  const reply: Reply = { text: fullText(answer), source: { kind: 'card', ids: [answer.id] } };
  if (answer.quickReplies.length > 0) {
    reply.quickReplies = answer.quickReplies.map(
      // Content targets are payloads already (src/payloads.ts).
      (q): QuickReply => ({ title: q.title, payload: q.target }),
    );
  }
  return reply;
}

/** Answers are fixed content: each one's full text is composed once. */
const fullText = perObject((answer: Answer): string => withFooter(answer.text, answer));

/** A policy text with its legal basis, the date it was checked, and where to go. */
export function withFooter(text: string, source: { legalBasis: readonly LegalReference[]; asOf?: string; where?: string }): string {
  const footer: string[] = [];
  if (source.legalBasis.length > 0) {
    const checked = source.asOf ? ` (cập nhật ${vietnameseDate(source.asOf)})` : '';
    footer.push(`Căn cứ: ${source.legalBasis.map(formatReference).join('; ')}${checked}.`);
  }
  if (source.where) footer.push(`Nơi liên hệ: ${withFinalStop(source.where)}`);
  return footer.length > 0 ? `${text}\n\n${footer.join('\n')}` : text;
}

/** For other skills that reuse an answer's text (flow intros, privacy notice…); throws for an unknown id. */
export function renderAnswerById(answers: AnswerBook, id: string): Reply {
  const answer = answers.get(id);
  if (!answer) throw new Error(`No answer with id "${id}" in the answer book`);
  return renderAnswer(answer);
}

function formatReference(ref: LegalReference): string {
  return ref.article ? `${ref.document}, ${ref.article}` : ref.document;
}

/** 2026-11-28 → 28/11/2026, the way dates are written in Vietnamese documents. */
function vietnameseDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}/${month}/${year}`;
}

function withFinalStop(sentence: string): string {
  return /[.!?…]$/.test(sentence) ? sentence : `${sentence}.`;
}
