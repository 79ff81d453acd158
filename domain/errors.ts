/**
 * Typed domain errors: each surface decides how to show one (a problem+json status, a page).
 * `code` is stable and part of the API's problem `type`.
 */
export type DomainErrorCode =
  | 'not_found'
  | 'conflict'
  | 'validation'
  | 'consent_refused'
  | 'idempotency_mismatch'
  | 'idempotency_in_progress';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
