import type { AuditLogEntry } from '@/domain/audit';

/** The parts of an audit entry its sentence is made from. */
export type WordedEntry = Pick<AuditLogEntry, 'action' | 'target' | 'detail'>;

/** Each console area words its own actions: stored action name → a sentence for the log page. */
export type AuditWords = Record<string, (entry: WordedEntry) => string>;

/** A string field of the entry's detail, if it is one. */
export function detailText(entry: WordedEntry, key: string): string | undefined {
  const value = entry.detail[key];
  return typeof value === 'string' ? value : undefined;
}
