/**
 * At most four quick replies on a bubble, whatever the skill offered: more do not fit a phone's width as buttons, nor
 * read well as a numbered Zalo menu. The rest go behind "Khác", a quick reply that shows them. Every turn's replies
 * pass through the hook here, so no skill has to count its buttons.
 */
import type { TurnHook } from './engine.js';
import type { ConversationSession, QuickReply, Reply, Skill, SkillResult } from './types.js';

export const MAX_QUICK_REPLIES = 4;
export const MORE_CHOICES_SKILL = 'more';
const MORE_BUTTON: QuickReply = { title: 'Khác', payload: `${MORE_CHOICES_SKILL}:rest` };

function paged(reply: Reply): { reply: Reply; hidden: QuickReply[] } {
  const offered = reply.quickReplies ?? [];
  if (offered.length <= MAX_QUICK_REPLIES) return { reply, hidden: [] };
  const shown = offered.slice(0, MAX_QUICK_REPLIES - 1);
  return { reply: { ...reply, quickReplies: [...shown, MORE_BUTTON] }, hidden: offered.slice(MAX_QUICK_REPLIES - 1) };
}

/**
 * The hook that cuts every reply of the turn to four quick replies, the fourth being "Khác", and the skill that
 * answers "Khác" with the rest (paged again if there are many). Register the hook last and the skill with the others.
 * The session remembers the buttons exactly as shown, so "4" typed on Zalo is "Khác" and never a hidden button, and
 * the hidden ones with it: in the session, not beside it, so that "Khác" works on whichever instance takes the next
 * message (shared sessions hand each turn a fresh copy).
 */
export function createQuickReplyPaging(): { hook: TurnHook; skill: Skill } {
  const hook: TurnHook = {
    after(ctx, { replies }) {
      delete ctx.session.hiddenQuickReplies;
      replies.forEach((original, i) => {
        const { reply, hidden } = paged(original);
        if (hidden.length === 0) return;
        // The engine hands the turn's replies to the channel after the hooks: they are shaped in place.
        replies[i] = reply;
        if (i === replies.length - 1) {
          ctx.session.lastQuickReplies = reply.quickReplies ?? [];
          ctx.session.hiddenQuickReplies = hidden;
        }
      });
    },
  };

  const rest = (session: ConversationSession): SkillResult => {
    const hidden = session.lastQuickReplies.some((q) => q.payload === MORE_BUTTON.payload) ? session.hiddenQuickReplies : undefined;
    if (!hidden) {
      return { replies: [{ text: 'Các lựa chọn đó không còn nữa. Bạn nhắn điều cần hỏi, hoặc nhắn "menu" để xem các mục.' }] };
    }
    return { replies: [{ text: 'Các lựa chọn khác:', quickReplies: hidden }] };
  };
  const skill: Skill = {
    name: MORE_CHOICES_SKILL,
    intents: [],
    handleIntent: (ctx) => rest(ctx.session),
    handlePayload: (ctx) => rest(ctx.session),
  };
  return { hook, skill };
}
