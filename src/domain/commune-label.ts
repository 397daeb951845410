import type { Commune } from './communes.js';

const TYPE_WORD: Record<Commune['type'], string> = { xa: 'xã', phuong: 'phường', dac_khu: 'đặc khu' };

/** "xã Thanh Hà", "phường Thủy Nguyên", "đặc khu Bạch Long Vĩ". */
export function communeLabel(commune: Pick<Commune, 'name' | 'type'>): string {
  return `${TYPE_WORD[commune.type]} ${commune.name}`;
}

/** How the city as a whole is named to citizens (announcements to "all"). */
export const CITY_LABEL = 'thành phố Hải Phòng';
