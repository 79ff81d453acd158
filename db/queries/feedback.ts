import type { DbOrTx } from '../client';
import { feedback } from '../schema';

export function insertFeedback(database: DbOrTx, values: typeof feedback.$inferInsert) {
  return database
    .insert(feedback)
    .values(values)
    .onConflictDoNothing({ target: feedback.changeId })
    .returning({ id: feedback.id })
    .then((rows) => rows[0]);
}
