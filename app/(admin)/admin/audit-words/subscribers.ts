import type { AuditWords, WordedEntry } from './types';

/** The audit log's sentences for the subscribers pages' actions (consent receipts). */
export const subscribersWords: AuditWords = {
  'subscriber.receipt_download': (entry) =>
    `Downloaded the consent receipt (JSON) of subscriber ${entry.target ?? '?'}${chain(entry)}`,
  'subscriber.receipt_print': (entry) =>
    `Opened the printable consent receipt of subscriber ${entry.target ?? '?'}${chain(entry)}`,
};

/** What the receipt said about the chain when it was exported. */
function chain(entry: WordedEntry): string {
  const seq = entry.detail.headSeq;
  const count = typeof seq === 'number' ? `${seq} event${seq === 1 ? '' : 's'}` : '';
  if (entry.detail.verified === false) return ` (chain NOT intact${count ? `, ${count}` : ''})`;
  return count ? ` (${count}, chain intact)` : '';
}
