import type { AuditWords } from './types';

/** The audit log's sentences for the forms pages' actions. */
export const formsWords: AuditWords = {};
