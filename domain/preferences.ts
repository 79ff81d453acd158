import { type Db, db as getDb } from '@/db/client';
import { findSubscriberById, listSubscriptions } from '@/db/queries/subscribers';
import { findWorkspaceById, listCategories } from '@/db/queries/workspaces';
import type { Channel, Frequency, SubscriptionStatus } from '@/db/schema';
import { verifyLink } from './signing-keys';
import type { TokenPurpose, VerifyFailure } from './tokens';

/**
 * What a signed link shows its holder: the workspace, and the subscriber's consent per category
 * and channel. Read-only: a GET never changes consent (rule 2).
 */

export type PreferencesView = {
  workspace: { id: string; name: string; accentColor?: string; supportContact?: string };
  purpose: TokenPurpose;
  subscriber: {
    id: string;
    locale: string | null;
    erased: boolean;
    pausedUntil: Date | null;
    globalOptOuts: string[];
    doNotSell: boolean;
  };
  categories: {
    slug: string;
    kind: 'marketing' | 'transactional';
    texts: Record<string, { name: string; description?: string }>;
    channels: { channel: Channel; status: SubscriptionStatus; frequency: Frequency | null }[];
  }[];
};

export type LinkProblem = VerifyFailure | 'unknown_subscriber';

export async function preferencesForLink(
  token: string,
  purposes: TokenPurpose[],
  database?: Db,
): Promise<{ ok: true; view: PreferencesView } | { ok: false; reason: LinkProblem }> {
  const verified = await verifyLink(token, { purpose: purposes }, database);
  if (!verified.ok) return { ok: false, reason: verified.reason };
  const { workspaceId, subscriberId } = verified.claims;
  const dbh = database ?? (await getDb());
  const [workspace, subscriber, categories, subscriptions] = await Promise.all([
    findWorkspaceById(dbh, workspaceId),
    findSubscriberById(dbh, workspaceId, subscriberId),
    listCategories(dbh, workspaceId),
    listSubscriptions(dbh, workspaceId, subscriberId),
  ]);
  if (!workspace || !subscriber) return { ok: false, reason: 'unknown_subscriber' };
  const current = new Map(subscriptions.map((s) => [`${s.category}:${s.channel}`, s]));
  return {
    ok: true,
    view: {
      workspace: {
        id: workspace.id,
        name: workspace.name,
        accentColor: workspace.settings.brand?.accentColor,
        supportContact: workspace.settings.supportContact,
      },
      purpose: verified.claims.purpose,
      subscriber: {
        id: subscriber.id,
        locale: subscriber.locale,
        erased: subscriber.erasedAt !== null,
        pausedUntil: subscriber.pausedUntil,
        globalOptOuts: Object.keys(subscriber.globalOptOuts),
        doNotSell: subscriber.doNotSell,
      },
      categories: categories
        .filter((c) => c.archivedAt === null)
        .map((c) => ({
          slug: c.slug,
          kind: c.kind,
          texts: c.texts,
          channels: c.channels.map((channel) => {
            const s = current.get(`${c.slug}:${channel}`);
            return { channel, status: s?.status ?? 'none', frequency: s?.frequency ?? null };
          }),
        })),
    },
  };
}
