import { accessWords } from './audit-words/access';
import { formsWords } from './audit-words/forms';
import { importsWords } from './audit-words/imports';
import { settingsWords } from './audit-words/settings';
import { subscribersWords } from './audit-words/subscribers';
import type { AuditWords, WordedEntry } from './audit-words/types';

/** Every area's sentences, one table (each area words its own actions in ./audit-words). */
export const AREA_WORDS: AuditWords = {
  ...settingsWords,
  ...formsWords,
  ...subscribersWords,
  ...importsWords,
  ...accessWords,
};

/** One audit entry as a sentence for the log page. Unknown actions show as they are stored. */
export function describeAction(entry: WordedEntry): string {
  const worded = AREA_WORDS[entry.action];
  if (worded) return worded(entry);
  const text = (key: string) =>
    typeof entry.detail[key] === 'string' ? (entry.detail[key] as string) : undefined;
  const role = text('role');
  const previous = text('previousRole');
  const target = entry.target ?? '';
  switch (entry.action) {
    case 'admin.sign_in':
      return 'Signed in with a sign-in link';
    case 'admin.sign_out':
      return 'Signed out';
    case 'admin.create':
      if (previous && previous !== role) {
        return `Changed ${target}'s role from ${previous} to ${role}`;
      }
      if (previous) return `Gave ${target} a new sign-in link (still ${role})`;
      return `Added ${target} as ${role}`;
    case 'category.create':
      return `Created the category ${target}`;
    case 'category.update':
      return `Edited the category ${target}`;
    case 'category.archive':
      return `Archived the category ${target}`;
    case 'category.unarchive':
      return `Brought back the category ${target}`;
    case 'category.move':
      return `Moved the category ${target} ${text('direction') === 'up' ? 'up' : 'down'}`;
    case 'consent_text.create':
    case 'consent_text.version': {
      const version = entry.detail.version;
      const what = entry.action === 'consent_text.create' ? 'Created' : 'Wrote';
      return `${what} the consent text ${target}, ${text('locale') ?? '?'} version ${String(version ?? '?')}`;
    }
    default:
      return entry.target ? `${entry.action}: ${entry.target}` : entry.action;
  }
}
