import { type AuditWords, detailText } from './types';

/** The audit log's sentences for the import and export page's actions. */
export const importsWords: AuditWords = {
  'import.start': (entry) => {
    const rows = entry.detail.rows;
    const count = typeof rows === 'number' ? ` (${rows.toLocaleString('en')} rows)` : '';
    return `Started importing ${entry.target ?? 'a file'}${count}`;
  },
  'export.download': (entry) => {
    const channel = detailText(entry, 'channel');
    switch (entry.target) {
      case 'subscribers':
        return 'Downloaded the subscribers export';
      case 'suppressions':
        return `Downloaded the ${channel ?? ''} suppression list`.replace('  ', ' ');
      case 'ledger':
        return 'Downloaded the consent ledger export';
      default:
        return `Downloaded an export (${entry.target ?? 'unknown'})`;
    }
  },
};
