import { z } from 'zod';
import { type Db, db as getDb } from '@/db/client';
import {
  findSubscriberById,
  findSubscribersByKeys,
  insertSubscriber,
  listSubscriptions,
  type SubscriberRow,
  updateSubscriberKeys,
} from '@/db/queries/subscribers';
import { applyConsentFor } from './consent';
import { DomainError } from './errors';
import { suppressionReasons } from './suppression';

/** Addresses are compared lower-cased and trimmed; phones must be E.164. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const E164 = /^\+[1-9]\d{6,14}$/;

export const emailSchema = z
  .string()
  .trim()
  .max(320)
  .pipe(z.email({ message: 'Enter an email address like name@example.com' }))
  .transform(normalizeEmail);
export const phoneSchema = z
  .string()
  .trim()
  .transform((v) => v.replace(/[\s().-]/g, ''))
  .pipe(z.string().regex(E164, 'Enter a phone number in international format, like +14155550100'));
export const externalIdSchema = z.string().trim().min(1).max(200);
export const localeSchema = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'Use a language tag like en or es-MX')
  .max(35);

export const subscriberRefSchema = z.union([
  z.strictObject({ id: z.uuid() }),
  z.strictObject({ externalId: externalIdSchema }),
  z.strictObject({ email: emailSchema }),
  z.strictObject({ phone: phoneSchema }),
]);
export type SubscriberRef = z.infer<typeof subscriberRefSchema>;

export const subscriberUpsertSchema = z
  .strictObject({
    externalId: externalIdSchema.optional(),
    email: emailSchema.optional(),
    phone: phoneSchema.optional(),
    locale: localeSchema.optional(),
  })
  .refine((v) => v.externalId || v.email || v.phone, {
    message: 'Give at least one of externalId, email or phone',
  });
export type SubscriberUpsert = z.infer<typeof subscriberUpsertSchema>;

/** Finds the subscriber a reference points to in this workspace, or undefined. */
export async function findSubscriber(
  workspaceId: string,
  ref: SubscriberRef,
  database?: Db,
): Promise<SubscriberRow | undefined> {
  const dbh = database ?? (await getDb());
  if ('id' in ref) return findSubscriberById(dbh, workspaceId, ref.id);
  const rows = await findSubscribersByKeys(dbh, workspaceId, ref);
  return rows[0];
}

export async function requireSubscriber(workspaceId: string, ref: SubscriberRef, database?: Db) {
  const found = await findSubscriber(workspaceId, ref, database);
  if (!found) throw new DomainError('not_found', 'No such subscriber in this workspace.');
  return found;
}

/**
 * Matches by external id, then email, then phone; two different subscribers matching one
 * request is a conflict. Creates the subscriber when nothing matches.
 */
export async function upsertSubscriber(
  workspaceId: string,
  input: SubscriberUpsert,
  database?: Db,
): Promise<{ subscriber: SubscriberRow; created: boolean }> {
  const dbh = database ?? (await getDb());
  for (let attempt = 0; attempt < 3; attempt++) {
    const matches = await findSubscribersByKeys(dbh, workspaceId, input);
    const distinct = new Map(matches.map((m) => [m.id, m]));
    if (distinct.size > 1) {
      throw new DomainError('conflict', 'These identifiers belong to different subscribers.', {
        subscriberIds: [...distinct.keys()],
      });
    }
    const [existing] = distinct.values();
    if (!existing) {
      const inserted = await createSubscriber(dbh, workspaceId, input);
      if (inserted) return { subscriber: inserted, created: true };
      continue; // A concurrent request created it: match again.
    }
    const changes = changedKeys(existing, input);
    if (Object.keys(changes).length === 0) return { subscriber: existing, created: false };
    try {
      const updated = await updateSubscriberKeys(dbh, workspaceId, existing.id, changes);
      if (updated) return { subscriber: updated, created: false };
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('conflict', 'These identifiers belong to different subscribers.');
      }
      throw error;
    }
  }
  throw new DomainError('conflict', 'The subscriber changed while saving; try again.');
}

/**
 * Inserts the subscriber; one whose address is on the suppression list is at once opted out
 * through the one door, as the list says why: an erased person coming back (through an import,
 * the API or a signup) stops everything, as their own erasure request; an address a mail service
 * reported (a hard bounce, a spam complaint) stops email, with that source. Both in one
 * transaction, so no suppressed address is ever visible without its opt-out. The list is read
 * after the insert: an erasure of the same address that the insert had to wait for has
 * committed by then.
 */
async function createSubscriber(
  dbh: Db,
  workspaceId: string,
  input: SubscriberUpsert,
): Promise<SubscriberRow | undefined> {
  return dbh.transaction(async (tx) => {
    const inserted = await insertSubscriber(tx, { workspaceId, ...input });
    if (!inserted) return undefined;
    const reasons = await suppressionReasons(workspaceId, input, tx);
    if (reasons.length === 0) return inserted;
    const mailOnly = reasons.every((r) => r === 'hard_bounce' || r === 'complaint');
    const result = await applyConsentFor(
      {
        workspaceId,
        subscriberId: inserted.id,
        source: !mailOnly ? 'erasure' : reasons.includes('complaint') ? 'complaint' : 'bounce',
        changes: [{ type: 'global_opt_out', channel: mailOnly ? 'email' : 'all' }],
        evidence: { detail: { suppressed: true, reasons } },
      },
      tx,
    );
    if (!result.ok) throw new Error('The suppression opt-out of a new subscriber was refused.');
    return findSubscriberById(tx, workspaceId, inserted.id);
  });
}

function changedKeys(existing: SubscriberRow, input: SubscriberUpsert) {
  const changes: Partial<SubscriberUpsert> = {};
  if (input.externalId && input.externalId !== existing.externalId)
    changes.externalId = input.externalId;
  if (input.email && input.email !== existing.email) changes.email = input.email;
  if (input.phone && input.phone !== existing.phone) changes.phone = input.phone;
  if (input.locale && input.locale !== existing.locale) changes.locale = input.locale;
  return changes;
}

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}

export async function subscriberWithSubscriptions(workspaceId: string, id: string, database?: Db) {
  const dbh = database ?? (await getDb());
  const subscriber = await findSubscriberById(dbh, workspaceId, id);
  if (!subscriber) throw new DomainError('not_found', 'No such subscriber in this workspace.');
  const subscriptions = await listSubscriptions(dbh, workspaceId, id);
  return { subscriber, subscriptions };
}
