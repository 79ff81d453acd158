import { type AuditWords, detailText, type WordedEntry } from './types';

/** The audit log's sentences for the access pages' actions: API keys, webhooks, team. */

const SCOPE_WORDS: Record<string, string> = {
  read: 'read-only',
  check: 'check-before-sending',
  write: 'full-access',
};

const EVENT_WORDS: Record<string, string> = {
  'consent.changed': 'consent changed',
  'subscriber.erased': 'subscriber erased',
  'feedback.received': 'feedback received',
};

function keyName(entry: WordedEntry): string {
  const prefix = detailText(entry, 'prefix');
  return `“${entry.target ?? '?'}”${prefix ? ` (${prefix}…)` : ''}`;
}

export const accessWords: AuditWords = {
  'api_key.create': (entry) => {
    const scope = SCOPE_WORDS[detailText(entry, 'scope') ?? ''] ?? detailText(entry, 'scope');
    return `Created the ${scope ? `${scope} ` : ''}API key ${keyName(entry)}`;
  },
  'api_key.revoke': (entry) => `Revoked the API key ${keyName(entry)}`,
  'webhook.create': (entry) => {
    const events = Array.isArray(entry.detail.events)
      ? (entry.detail.events as unknown[]).map((e) => EVENT_WORDS[String(e)] ?? String(e))
      : [];
    return `Added the webhook ${entry.target ?? '?'}${events.length ? ` for ${events.join(', ')}` : ''}`;
  },
  'webhook.delete': (entry) => `Deleted the webhook ${entry.target ?? '?'}`,
  'webhook.enable': (entry) => `Turned the webhook ${entry.target ?? '?'} back on`,
  'webhook.retry': (entry) => {
    const event = EVENT_WORDS[detailText(entry, 'eventType') ?? ''] ?? 'an event';
    return `Retried a ${event} delivery to ${entry.target ?? '?'}`;
  },
  'team.invite': (entry) => `Invited ${entry.target ?? '?'} as ${detailText(entry, 'role') ?? '?'}`,
  'team.role': (entry) =>
    `Changed ${entry.target ?? '?'}'s role from ${detailText(entry, 'from') ?? '?'} to ${detailText(entry, 'to') ?? '?'}`,
  'team.remove': (entry) =>
    `Removed ${entry.target ?? '?'} (${detailText(entry, 'role') ?? '?'}) from the team`,
};
