import { type Db, db as getDb } from '@/db/client';
import {
  findSendByMessageId,
  insertSend,
  insertSends,
  lockSendSlot,
  type SendRejection,
} from '@/db/queries/sends';
import type { Channel } from '@/db/schema';
import { type CheckAnswer, resolveChecks } from './check';
import { DomainError } from './errors';
import type { SubscriberRef } from './subscribers';

/**
 * Sends a sender reports, which the check counts against each subscriber's chosen frequency
 * (DESIGN.md: a rolling window per category x channel). Not consent: nothing here touches the
 * ledger or the projection.
 */

export const MAX_SENDS_PER_REQUEST = 10_000;

export type SendInput = {
  subscriber: SubscriberRef;
  category: string;
  channel: Channel;
  /** When the message went out; now when absent. */
  sentAt?: Date;
  /** The sender's id for the message: a send with one is recorded once per workspace. */
  messageId?: string;
};

export type RecordSendsResult = {
  received: number;
  recorded: number;
  /** Valid sends not recorded again: their message id was on record, or repeated in the batch. */
  duplicates: number;
  /** Sends that name no subscriber or category here (or a channel the category lacks). */
  rejected: SendRejection[];
};

/** Records a batch in one statement; unknown references are reported, not fatal. */
export async function recordSends(
  input: { workspaceId: string; sends: SendInput[]; now?: Date },
  database?: Db,
): Promise<RecordSendsResult> {
  if (input.sends.length > MAX_SENDS_PER_REQUEST) {
    throw new DomainError(
      'validation',
      `At most ${MAX_SENDS_PER_REQUEST} sends may be recorded at once.`,
    );
  }
  const dbh = database ?? (await getDb());
  const now = input.now ?? new Date();
  const { recorded, rejected } = await insertSends(dbh, {
    workspaceId: input.workspaceId,
    rows: input.sends.map((send, index) => ({
      index,
      ...send.subscriber,
      category: send.category,
      channel: send.channel,
      sentAt: send.sentAt ?? now,
      messageId: send.messageId,
    })),
  });
  return {
    received: input.sends.length,
    recorded,
    duplicates: input.sends.length - rejected.length - recorded,
    rejected,
  };
}

export type RecordedCheckAnswer = CheckAnswer & {
  /** A send is on record for this message: written by this call, or by an earlier one. */
  recorded: boolean;
  sendId?: string;
};

/**
 * The check, and when it allows the send, the send recorded in the same call: the only way the
 * check path writes. Under a lock per subscriber x category x channel, so two concurrent calls
 * cannot both take the last slot of a window. With a `messageId`, a retry gets the same answer:
 * that message's own send does not count against it, and is not recorded twice.
 */
export async function checkAndRecord(
  input: {
    workspaceId: string;
    subscriber: SubscriberRef;
    category: string;
    channel: Channel;
    messageId?: string;
    now?: Date;
  },
  database?: Db,
): Promise<RecordedCheckAnswer> {
  const dbh = database ?? (await getDb());
  const ask = {
    workspaceId: input.workspaceId,
    subscribers: [input.subscriber],
    category: input.category,
    channel: input.channel,
    now: input.now ?? new Date(),
    excludeMessageId: input.messageId,
  };
  const first = await resolveChecks(ask, dbh);
  const [seen] = first.results;
  // Refusals write nothing; nor does a transactional send to someone Dial has never seen.
  if (!seen?.answer.allowed || !seen.subscriberId || !first.category) {
    return { ...(seen?.answer as CheckAnswer), recorded: false };
  }
  const subscriberId = seen.subscriberId;
  const categoryId = first.category.id;
  return dbh.transaction(async (tx) => {
    await lockSendSlot(tx, { subscriberId, categoryId, channel: input.channel });
    // Again under the lock: a concurrent call may have recorded a send meanwhile.
    const [again] = (await resolveChecks(ask, tx)).results;
    if (!again?.answer.allowed || again.subscriberId !== subscriberId) {
      return { ...(again?.answer as CheckAnswer), recorded: false };
    }
    const values = {
      workspaceId: input.workspaceId,
      subscriberId,
      categoryId,
      channel: input.channel,
      sentAt: ask.now,
      messageId: input.messageId,
    };
    const id = await insertSend(tx, values);
    if (id) return { ...again.answer, recorded: true, sendId: id };
    // Only a message id can conflict: a retry of the same send, or the id reused for another.
    const existing = input.messageId
      ? await findSendByMessageId(tx, {
          workspaceId: input.workspaceId,
          messageId: input.messageId,
        })
      : undefined;
    if (
      !existing ||
      existing.subscriberId !== subscriberId ||
      existing.categoryId !== categoryId ||
      existing.channel !== input.channel
    ) {
      throw new DomainError(
        'idempotency_mismatch',
        `The messageId "${input.messageId}" is already recorded for another send.`,
      );
    }
    return { ...again.answer, recorded: true, sendId: existing.id };
  });
}
