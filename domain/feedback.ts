import { z } from 'zod';
import { type Db, db as getDb } from '@/db/client';
import { loadChange } from '@/db/queries/consent';
import { insertFeedback } from '@/db/queries/feedback';
import { insertJobs } from '@/db/queries/outbox';
import { FEEDBACK_REASONS } from '@/db/schema';

/**
 * The optional question after an opt-out: a reason and a comment, tied to that opt-out's change.
 * Never required; one answer per opt-out; the business hears of it through the outbox.
 */

export const MAX_COMMENT = 1000;

export const feedbackSchema = z.object({
  reason: z.enum(FEEDBACK_REASONS).optional(),
  comment: z
    .string()
    .trim()
    .max(MAX_COMMENT)
    .optional()
    .transform((v) => (v ? v : undefined)),
});

export type FeedbackOutcome = 'recorded' | 'already_answered' | 'empty' | 'not_an_opt_out';

export async function recordFeedback(
  input: {
    workspaceId: string;
    subscriberId: string;
    changeId: string;
    reason?: string;
    comment?: string;
  },
  database?: Db,
): Promise<FeedbackOutcome> {
  const parsed = feedbackSchema.parse({
    reason: input.reason || undefined,
    comment: input.comment,
  });
  if (!parsed.reason && !parsed.comment) return 'empty';
  const dbh = database ?? (await getDb());
  const events = await loadChange(dbh, input.workspaceId, input.changeId);
  const isOptOut =
    events.length > 0 &&
    events.every((e) => e.subscriberId === input.subscriberId) &&
    events.some((e) => {
      const after = e.after as { status?: string; optedOut?: boolean };
      return after.status === 'unsubscribed' || after.optedOut === true;
    });
  if (!isOptOut) return 'not_an_opt_out';
  return dbh.transaction(async (tx) => {
    const row = await insertFeedback(tx, {
      workspaceId: input.workspaceId,
      subscriberId: input.subscriberId,
      changeId: input.changeId,
      reason: parsed.reason ?? null,
      comment: parsed.comment ?? null,
    });
    if (!row) return 'already_answered';
    await insertJobs(tx, [
      {
        workspaceId: input.workspaceId,
        kind: 'feedback.received',
        payload: { feedbackId: row.id, changeId: input.changeId },
      },
    ]);
    return 'recorded';
  });
}
