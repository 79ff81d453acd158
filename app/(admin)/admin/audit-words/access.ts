import type { AuditWords } from './types';

/** The audit log's sentences for the access pages' actions. */
export const accessWords: AuditWords = {};
