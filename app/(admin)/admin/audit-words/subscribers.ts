import type { AuditWords } from './types';

/** The audit log's sentences for the subscribers pages' actions. */
export const subscribersWords: AuditWords = {};
