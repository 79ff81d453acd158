import { type Db, db as getDb } from '@/db/client';
import { findLiveSubscribersByRefs } from '@/db/queries/subscriber-refs';
import { findWorkspaceById } from '@/db/queries/workspaces';
import type { Channel } from '@/db/schema';
import { findCheckCategory } from './check';
import { DomainError } from './errors';
import { type Links, linkOrigin, oneClickPath, preferencesPath, unsubscribePath } from './links';
import { issueLink } from './signing-keys';
import type { SubscriberRef } from './subscribers';

/**
 * Signed links for many subscribers at once (a campaign): the same links `buildLinks` makes for
 * one, with the workspace and category looked up once, every batch of references resolved in one
 * query, and the tokens signed in memory (the keyring is cached, see signing-keys.ts).
 */

export type LinkTarget = {
  workspaceId: string;
  origin: string;
  categoryId: string | null;
  channel: Channel | null;
};

/** What the links are for; an unknown category or a channel it is not offered on is refused. */
export async function linkTarget(
  input: { workspaceId: string; category?: string | null; channel?: Channel | null },
  database?: Db,
): Promise<LinkTarget> {
  const dbh = database ?? (await getDb());
  const workspace = await findWorkspaceById(dbh, input.workspaceId);
  if (!workspace) throw new DomainError('not_found', 'This workspace no longer exists.');
  let categoryId: string | null = null;
  if (input.category) {
    const category = await findCheckCategory(input.workspaceId, input.category, dbh);
    if (!category)
      throw new DomainError('validation', `No category "${input.category}" in this workspace.`);
    if (input.channel && !category.channels.includes(input.channel)) {
      throw new DomainError(
        'validation',
        `Category "${input.category}" is not offered on ${input.channel}.`,
      );
    }
    categoryId = category.id;
  }
  return {
    workspaceId: input.workspaceId,
    origin: linkOrigin(workspace),
    categoryId,
    channel: input.channel ?? null,
  };
}

/**
 * The links for each reference, in order; undefined where the reference names no subscriber of
 * the workspace, or an erased one (gone for every purpose: no fresh links that name them).
 */
export async function linksForMany(
  target: LinkTarget,
  refs: SubscriberRef[],
  database?: Db,
): Promise<(Links | undefined)[]> {
  if (refs.length === 0) return [];
  const dbh = database ?? (await getDb());
  const keys = {
    ids: [] as string[],
    externalIds: [] as string[],
    emails: [] as string[],
    phones: [] as string[],
  };
  for (const ref of refs) {
    if ('id' in ref) keys.ids.push(ref.id);
    else if ('externalId' in ref) keys.externalIds.push(ref.externalId);
    else if ('email' in ref) keys.emails.push(ref.email);
    else keys.phones.push(ref.phone);
  }
  const rows = await findLiveSubscribersByRefs(dbh, { workspaceId: target.workspaceId, ...keys });
  const index = {
    id: new Map(rows.map((r) => [r.id, r.id])),
    externalId: new Map(rows.filter((r) => r.externalId).map((r) => [r.externalId, r.id])),
    email: new Map(rows.filter((r) => r.email).map((r) => [r.email, r.id])),
    phone: new Map(rows.filter((r) => r.phone).map((r) => [r.phone, r.id])),
  };
  const out: (Links | undefined)[] = [];
  for (const ref of refs) {
    const subscriberId =
      'id' in ref
        ? index.id.get(ref.id)
        : 'externalId' in ref
          ? index.externalId.get(ref.externalId)
          : 'email' in ref
            ? index.email.get(ref.email)
            : index.phone.get(ref.phone);
    out.push(subscriberId ? await linksFor(target, subscriberId, dbh) : undefined);
  }
  return out;
}

async function linksFor(target: LinkTarget, subscriberId: string, database: Db): Promise<Links> {
  const subject = {
    workspaceId: target.workspaceId,
    subscriberId,
    categoryId: target.categoryId,
    channel: target.channel,
  };
  const preferences = await issueLink({ ...subject, purpose: 'preferences' }, { database });
  const unsubscribe = await issueLink({ ...subject, purpose: 'unsubscribe' }, { database });
  const oneClickUrl = `${target.origin}${oneClickPath(unsubscribe)}`;
  return {
    preferencesUrl: `${target.origin}${preferencesPath(preferences)}`,
    unsubscribeUrl: `${target.origin}${unsubscribePath(unsubscribe)}`,
    oneClickUrl,
    headers: {
      'List-Unsubscribe': `<${oneClickUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
