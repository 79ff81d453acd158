import type { AuditWords } from './types';

/** The audit log's sentences for the settings pages' actions. */
export const settingsWords: AuditWords = {};
