import { and, asc, eq, isNotNull, like, notInArray, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../client';
import {
  categories,
  consentEvents,
  evidence,
  feedback,
  linkVisits,
  outbox,
  subscribers,
} from '../schema';

/**
 * A subscriber's personal data outside the ledger: what "my data" lists and what erasure removes
 * (DESIGN.md rule 7). Erasure runs these inside the one door's transaction, under the
 * subscriber's row lock; the ledger itself is never touched.
 */

/** The identifiers erasure removes from the subscriber row, read under its lock. */
export function subscriberIdentifiers(
  tx: Tx,
  input: { workspaceId: string; subscriberId: string },
) {
  return tx
    .select({ email: subscribers.email, phone: subscribers.phone })
    .from(subscribers)
    .where(
      and(eq(subscribers.workspaceId, input.workspaceId), eq(subscribers.id, input.subscriberId)),
    )
    .then((rows) => rows[0]);
}

/**
 * Deletes the subscriber's evidence (IP, user agent, comments...). The ledger keeps only salted
 * digests, so it still verifies; the evidence of the erasure itself (key ids and who asked,
 * nothing personal) is kept as the record of the request.
 */
export function deleteEvidence(tx: Tx, input: { workspaceId: string; subscriberId: string }) {
  const erasureEvidence = tx
    .select({ id: consentEvents.evidenceId })
    .from(consentEvents)
    .where(
      and(
        eq(consentEvents.workspaceId, input.workspaceId),
        eq(consentEvents.subscriberId, input.subscriberId),
        eq(consentEvents.type, 'erasure'),
        isNotNull(consentEvents.evidenceId),
      ),
    );
  return tx
    .delete(evidence)
    .where(
      and(
        eq(evidence.workspaceId, input.workspaceId),
        eq(evidence.subscriberId, input.subscriberId),
        notInArray(evidence.id, erasureEvidence),
      ),
    )
    .returning({ id: evidence.id });
}

/** Which of the person's links they opened, and when: behaviour, not a record of consent. */
export function deleteLinkVisits(tx: Tx, input: { workspaceId: string; subscriberId: string }) {
  return tx
    .delete(linkVisits)
    .where(
      and(
        eq(linkVisits.workspaceId, input.workspaceId),
        eq(linkVisits.subscriberId, input.subscriberId),
      ),
    );
}

/**
 * Rows of this workspace's uploaded files that name the person (kept for imports' error reports,
 * up to 30 days): a cell equal to the address, ignoring case and spaces, or to the number, ignoring
 * everything but digits.
 */
export function deleteImportRowsNaming(
  tx: Tx,
  input: { workspaceId: string; email: string | null; phone: string | null },
) {
  const email = input.email?.trim().toLowerCase() ?? null;
  const digits = input.phone?.replace(/\D/g, '') || null;
  if (!email && !digits) return Promise.resolve();
  return tx.execute(sql`
    delete from import_rows r using imports i
    where r.import_id = i.id and i.workspace_id = ${input.workspaceId}
      and exists (
        select 1 from jsonb_array_elements_text(r.cells) c(v)
        where (${email}::text is not null and lower(btrim(c.v)) = ${email}::text)
           or (${digits}::text is not null and regexp_replace(c.v, '[^0-9]', '', 'g') = ${digits}::text)
      )`);
}

/** Free-text comments may say anything about the person; the reason (a fixed code) stays. */
export function clearFeedbackComments(
  tx: Tx,
  input: { workspaceId: string; subscriberId: string },
) {
  return tx
    .update(feedback)
    .set({ comment: null })
    .where(
      and(
        eq(feedback.workspaceId, input.workspaceId),
        eq(feedback.subscriberId, input.subscriberId),
        isNotNull(feedback.comment),
      ),
    )
    .returning({ id: feedback.id });
}

/** Mails to the subscriber not sent yet are never sent: their jobs are marked dead. */
export function cancelPendingMail(tx: Tx, input: { workspaceId: string; subscriberId: string }) {
  return tx
    .update(outbox)
    .set({ status: 'dead', lockedUntil: null, lastError: 'subscriber erased' })
    .where(
      and(
        eq(outbox.workspaceId, input.workspaceId),
        eq(outbox.status, 'pending'),
        like(outbox.kind, 'mail.%'),
        sql`${outbox.payload}->>'subscriberId' = ${input.subscriberId}`,
      ),
    )
    .returning({ id: outbox.id });
}

/** The row stays (the ledger names its id); its identifiers and language go. */
export function clearSubscriberIdentifiers(
  tx: Tx,
  input: { workspaceId: string; subscriberId: string },
) {
  return tx
    .update(subscribers)
    .set({ email: null, phone: null, externalId: null, locale: null })
    .where(
      and(eq(subscribers.workspaceId, input.workspaceId), eq(subscribers.id, input.subscriberId)),
    );
}

// --- "my data": everything held about one subscriber, read-only ------------------------------

export function subscriberRecord(
  database: DbOrTx,
  input: { workspaceId: string; subscriberId: string },
) {
  return database
    .select({
      id: subscribers.id,
      externalId: subscribers.externalId,
      email: subscribers.email,
      phone: subscribers.phone,
      locale: subscribers.locale,
      createdAt: subscribers.createdAt,
      erasedAt: subscribers.erasedAt,
      pausedUntil: subscribers.pausedUntil,
      pauseOwn: subscribers.pauseOwn,
      globalOptOuts: subscribers.globalOptOuts,
      keywordBlocks: subscribers.keywordBlocks,
      doNotSell: subscribers.doNotSell,
    })
    .from(subscribers)
    .where(
      and(eq(subscribers.workspaceId, input.workspaceId), eq(subscribers.id, input.subscriberId)),
    )
    .then((rows) => rows[0]);
}

/** The whole ledger of one subscriber, oldest first, with category slugs. */
export function subscriberLedger(
  database: DbOrTx,
  input: { workspaceId: string; subscriberId: string },
) {
  return database
    .select({
      seq: consentEvents.seq,
      changeId: consentEvents.changeId,
      type: consentEvents.type,
      category: categories.slug,
      channel: consentEvents.channel,
      before: consentEvents.before,
      after: consentEvents.after,
      source: consentEvents.source,
      evidenceId: consentEvents.evidenceId,
      occurredAt: consentEvents.occurredAt,
      prevHash: consentEvents.prevHash,
      hash: consentEvents.hash,
    })
    .from(consentEvents)
    .leftJoin(categories, eq(categories.id, consentEvents.categoryId))
    .where(
      and(
        eq(consentEvents.workspaceId, input.workspaceId),
        eq(consentEvents.subscriberId, input.subscriberId),
      ),
    )
    .orderBy(asc(consentEvents.seq));
}

export function subscriberEvidence(
  database: DbOrTx,
  input: { workspaceId: string; subscriberId: string },
) {
  return database
    .select({ id: evidence.id, data: evidence.data, createdAt: evidence.createdAt })
    .from(evidence)
    .where(
      and(
        eq(evidence.workspaceId, input.workspaceId),
        eq(evidence.subscriberId, input.subscriberId),
      ),
    )
    .orderBy(asc(evidence.createdAt), asc(evidence.id));
}

export function subscriberFeedback(
  database: DbOrTx,
  input: { workspaceId: string; subscriberId: string },
) {
  return database
    .select({
      changeId: feedback.changeId,
      reason: feedback.reason,
      comment: feedback.comment,
      createdAt: feedback.createdAt,
    })
    .from(feedback)
    .where(
      and(
        eq(feedback.workspaceId, input.workspaceId),
        eq(feedback.subscriberId, input.subscriberId),
      ),
    )
    .orderBy(asc(feedback.createdAt));
}
