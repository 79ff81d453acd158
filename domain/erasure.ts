import { type Db, db as getDb } from '@/db/client';
import {
  cancelPendingMail,
  clearFeedbackComments,
  clearSubscriberIdentifiers,
  deleteEvidence,
  deleteImportRowsNaming,
  deleteLinkVisits,
  subscriberIdentifiers,
} from '@/db/queries/erasure';
import { deleteDevMailsTo } from '@/db/queries/mailbox';
import { insertJobs } from '@/db/queries/outbox';
import { deleteSubscriberSends } from '@/db/queries/sends';
import { insertSuppressions } from '@/db/queries/suppressions';
import { clearWebhookBodies } from '@/db/queries/webhooks';
import type { EvidenceData } from '@/db/schema';
import { applyConsentFor, UnknownSubscriberError } from './consent';
import { DomainError } from './errors';
import { suppressionEntries } from './suppression';

/**
 * "Erase me" (DESIGN.md rule 7). Through the one door, as the subscriber's own act: every
 * marketing subscription off, a global opt-out, an `erasure` event. In the same transaction, the
 * personal data outside the ledger goes (identifiers, evidence, feedback comments, dev-mailbox
 * copies, unsent mail, what webhook receivers answered) and the addresses' keyed hashes go onto
 * the suppression list, so an import or an unconfirmed signup of them later stays suppressed. The
 * ledger keeps its events and salted evidence digests and still verifies; the subscriber row
 * stays, without identifiers.
 */

export type ErasureRequester = 'subscriber' | 'api' | 'admin';

export type EraseInput = {
  workspaceId: string;
  subscriberId: string;
  requestedBy: ErasureRequester;
  evidence?: EvidenceData;
  now?: Date;
};

export type EraseResult = {
  erased: true;
  /** The change that erased the subscriber; null when they were erased already. */
  changeId: string | null;
};

export async function eraseSubscriber(input: EraseInput, database?: Db): Promise<EraseResult> {
  const dbh = database ?? (await getDb());
  const { workspaceId, subscriberId } = input;
  try {
    const result = await applyConsentFor(
      {
        workspaceId,
        subscriberId,
        source: 'erasure',
        changes: [{ type: 'erase' }],
        evidence: erasureEvidence(input),
        now: input.now,
        within: async (tx, [outcome]) => {
          if (!outcome?.ok) {
            throw new DomainError('consent_refused', 'The erasure was refused.', {
              refusals: outcome?.refusals ?? [],
            });
          }
          const ids = { workspaceId, subscriberId };
          const keys = await subscriberIdentifiers(tx, ids);
          await deleteEvidence(tx, ids);
          await deleteSubscriberSends(tx, ids);
          await clearFeedbackComments(tx, ids);
          await deleteLinkVisits(tx, ids);
          await deleteImportRowsNaming(tx, {
            workspaceId,
            email: keys?.email ?? null,
            phone: keys?.phone ?? null,
          });
          await cancelPendingMail(tx, ids);
          await clearWebhookBodies(tx, ids);
          if (keys?.email) await deleteDevMailsTo(tx, { workspaceId, address: keys.email });
          await insertSuppressions(tx, suppressionEntries(workspaceId, keys ?? {}, 'erasure'));
          await clearSubscriberIdentifiers(tx, ids);
          if (outcome.changeId) {
            await insertJobs(tx, [
              {
                workspaceId,
                kind: 'subscriber.erased',
                payload: { subscriberId, changeId: outcome.changeId },
              },
            ]);
          }
        },
      },
      dbh,
    );
    return { erased: true, changeId: result.ok ? result.changeId : null };
  } catch (error) {
    if (error instanceof UnknownSubscriberError) {
      throw new DomainError('not_found', 'No such subscriber in this workspace.');
    }
    throw error;
  }
}

/**
 * What is kept of the request: who asked and with which key or link, nothing personal. The
 * caller's IP and user agent would be deleted in the same transaction, so they are never written.
 */
function erasureEvidence(input: EraseInput): EvidenceData {
  const e = input.evidence ?? {};
  const kept: EvidenceData = { detail: { requestedBy: input.requestedBy } };
  if (e.tokenKid) kept.tokenKid = e.tokenKid;
  if (e.tokenPurpose) kept.tokenPurpose = e.tokenPurpose;
  if (e.apiKeyId) kept.apiKeyId = e.apiKeyId;
  if (e.adminId) kept.adminId = e.adminId;
  return kept;
}
