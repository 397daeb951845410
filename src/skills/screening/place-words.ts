/**
 * The area question answered with the kind of place rather than "xã" or "phường": "thị trấn", "thi tran An Lão",
 * "thôn 3", "xóm Bãi", "tổ dân phố 5", "khu phố". Since 1/7/2025 there are no districts and no thị trấn: each former
 * thị trấn was merged into a xã or a phường (content/communes.json keeps the former units), so a named former thị
 * trấn tells the area through the unit it is in now, and "thị trấn" alone cannot. Thôn and xóm are a xã's hamlets;
 * tổ dân phố and khu phố are a phường's, but also of the former thị trấn now in a xã: those are asked.
 */
import type { CommuneDirectory } from '../../domain/communes.js';
import type { Area } from '../../domain/poverty/types.js';
import { answerCore } from '../../text/answer-words.js';

export type PlaceReading = { area: Area; said: string } | { ask: string } | null;

const ASK = 'Nhà bạn nay thuộc xã hay phường?';
const TOWN = /^(?:(?:nha|ho)\s+)?(?:(?:toi|tui|em|e|minh)\s+)?(?:(?:o|thuoc|tai)\s+)?(?:thi tran|tt)(?:\s+(.+))?$/;
const HAMLET = /^(?:(?:nha|ho)\s+)?(?:(?:toi|tui|em|e|minh)\s+)?(?:(?:o|thuoc|tai)\s+)?(thon|xom|lang|ban)(?:\s+\S+){0,3}$/;
const STREET = /^(?:(?:nha|ho)\s+)?(?:(?:toi|tui|em|e|minh)\s+)?(?:(?:o|thuoc|tai)\s+)?(?:to dan pho|tdp|khu pho|khu dan cu|to)(?:\s+\S+){0,3}$/;

const unitWord = (type: string) => (type === 'phuong' ? 'phường' : 'xã');

/**
 * `labels`: the standard's words for the two areas ("nông thôn", "thành thị"/"đô thị"), for what is said back. Null
 * when the answer names no such place.
 */
export function readPlace(text: string, communes: Pick<CommuneDirectory, 'search'>, labels: Record<Area, string>): PlaceReading {
  const core = answerCore(text);
  const town = TOWN.exec(core);
  if (town) {
    const name = town[1];
    const now = name ? communes.search(`thi tran ${name}`, { fuzzy: true }).filter((m) => m.former?.type === 'thi_tran') : [];
    const types = new Set(now.map((m) => m.commune.type));
    const former = now[0]?.matched;
    if (types.size === 1 && (types.has('xa') || types.has('phuong'))) {
      const [type] = types;
      const area: Area = type === 'xa' ? 'rural' : 'urban';
      const units = now.map((m) => `${unitWord(m.commune.type)} ${m.commune.name}`).join(', ');
      return { area, said: `Mình hiểu: thị trấn ${former} cũ nay thuộc ${units}, tính là khu vực ${labels[area]}. Nếu chưa đúng, nhắn "quay lại".` };
    }
    if (types.size > 1) {
      const units = now.map((m) => `${unitWord(m.commune.type)} ${m.commune.name}`).join(' và ');
      return { ask: `Thị trấn ${former} cũ nay chia về ${units}. ${ASK}` };
    }
    return { ask: `Từ 1/7/2025 không còn thị trấn: các thị trấn cũ đã nhập vào xã hoặc phường. ${ASK}` };
  }
  if (HAMLET.test(core)) {
    return { area: 'rural', said: `Mình hiểu: thôn, xóm thuộc xã, tính là khu vực ${labels.rural}. Nếu nhà bạn thuộc phường, nhắn "quay lại".` };
  }
  if (STREET.test(core)) {
    return { ask: `Tổ dân phố, khu phố thường thuộc phường, nhưng các thị trấn cũ (nay là xã) cũng có tổ dân phố. ${ASK}` };
  }
  return null;
}
