import type { ConsentAtAnswer } from '@/domain/consent-at';

/** How the subscriber pages state dates (always UTC, and they say so where it matters). */
export const SHORT_DATE = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeZone: 'UTC',
});

export const ANSWER_WORDS: Record<ConsentAtAnswer, string> = {
  yes: 'Yes',
  no: 'No',
  pending: 'Pending',
  never: 'Never',
};

/** `2026-03-01T14:30:05` in UTC, as a datetime-local field takes it. */
export function datetimeLocalUtc(date: Date): string {
  return date.toISOString().slice(0, 19);
}
