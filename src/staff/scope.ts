import type { StaffRecord } from '../storage/records.js';

/** What a request knows about the logged-in staff member. */
export interface StaffIdentity {
  username: string;
  displayName: string;
  role: StaffRecord['role'];
  /** Officers: the communes they act for. Admins: empty (they act for the whole province). */
  communes: string[];
}

/**
 * Whether a staff member may act on something addressed to `target`: admins on anything; officers only when every
 * commune is one of theirs ("all" is the whole province, so admins only).
 */
export function mayActOn(staff: Pick<StaffIdentity, 'role' | 'communes'>, target: readonly string[] | 'all'): boolean {
  if (staff.role === 'admin') return true;
  if (target === 'all') return false;
  return target.length > 0 && target.every((c) => staff.communes.includes(c));
}

export function identityOf(record: StaffRecord): StaffIdentity {
  return { username: record.id, displayName: record.displayName, role: record.role, communes: [...record.communes] };
}
