import type { AuditWords, WordedEntry } from './types';

/** The audit log's sentences for the forms pages' actions (domain/admin-forms.ts, FORM_AUDIT). */

function parts(entry: WordedEntry): string[] {
  const changed = entry.detail.changed;
  return Array.isArray(changed) ? changed.filter((p): p is string => typeof p === 'string') : [];
}

function origins(entry: WordedEntry, key: string): string[] {
  const list = entry.detail[key];
  return Array.isArray(list) ? list.filter((o): o is string => typeof o === 'string') : [];
}

export const formsWords: AuditWords = {
  'form.create': (entry) => `Created the form ${entry.target ?? ''}`,
  'form.update': (entry) => {
    const changed = parts(entry);
    const added = origins(entry, 'originsAdded');
    const removed = origins(entry, 'originsRemoved');
    const said = [
      changed.length ? `changed its ${joined(changed)}` : '',
      added.length ? `allowed ${joined(added)}` : '',
      removed.length ? `no longer allowed ${joined(removed)}` : '',
    ].filter(Boolean);
    return `Edited the form ${entry.target ?? ''}${said.length ? `: ${said.join('; ')}` : ''}`;
  },
};

function joined(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
