import type { AuditWords } from './types';

/** The audit log's sentences for the imports pages' actions. */
export const importsWords: AuditWords = {};
