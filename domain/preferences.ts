import { type Db, db as getDb } from '@/db/client';
import { findSubscriberById, listSubscriptions } from '@/db/queries/subscribers';
import { findWorkspaceById, listCategories } from '@/db/queries/workspaces';
import type { Channel, Frequency, SubscriptionStatus } from '@/db/schema';
import { LOCALES, type Locale } from './i18n';
import { verifyLink } from './signing-keys';
import type { TokenClaims, TokenPurpose, VerifyFailure } from './tokens';
import { asksFeedbackQuestion } from './workspaces';

/**
 * What a signed link shows its holder: the workspace's brand, and the subscriber's consent per
 * category and channel. Reading it changes nothing (rule 2).
 */

export type Brand = {
  id: string;
  slug: string;
  name: string;
  logoUrl?: string;
  accentColor?: string;
  supportContact?: string;
  postalAddress?: string;
  defaultLocale?: string;
  linkDomain?: string;
  /** The workspace's policy: ask the optional "why?" after an opt-out. */
  asksFeedback: boolean;
  /** The languages the workspace offers (Settings); every language Dial speaks when unset. */
  locales: Locale[];
};

export type CategoryView = {
  id: string;
  slug: string;
  kind: 'marketing' | 'transactional';
  texts: Record<string, { name: string; description?: string }>;
  frequencies: Frequency[];
  defaultFrequency: Frequency;
  channels: { channel: Channel; status: SubscriptionStatus; frequency: Frequency | null }[];
};

export type PreferencesView = {
  workspace: Brand;
  claims: TokenClaims;
  subscriber: {
    id: string;
    email: string | null;
    locale: string | null;
    erased: boolean;
    pausedUntil: Date | null;
    globalOptOuts: string[];
    doNotSell: boolean;
  };
  /** Every category the workspace offers (archived ones left out), in the workspace's order. */
  categories: CategoryView[];
  /** Every channel some category uses. */
  channels: Channel[];
};

export type LinkProblem = VerifyFailure | 'unknown_subscriber';

export function brandOf(workspace: {
  id: string;
  slug: string;
  name: string;
  settings: {
    brand?: { logoUrl?: string; accentColor?: string };
    supportContact?: string;
    postalAddress?: string;
    defaultLocale?: string;
    linkDomain?: string;
    policies?: { feedbackQuestion?: boolean };
    locales?: string[];
  };
}): Brand {
  const offered = LOCALES.filter((l) => workspace.settings.locales?.includes(l));
  return {
    id: workspace.id,
    slug: workspace.slug,
    name: workspace.name,
    logoUrl: workspace.settings.brand?.logoUrl,
    accentColor: workspace.settings.brand?.accentColor,
    supportContact: workspace.settings.supportContact,
    postalAddress: workspace.settings.postalAddress,
    defaultLocale: workspace.settings.defaultLocale,
    linkDomain: workspace.settings.linkDomain,
    asksFeedback: asksFeedbackQuestion(workspace),
    locales: offered.length > 0 ? offered : [...LOCALES],
  };
}

const CHANNEL_ORDER: Channel[] = ['email', 'sms', 'whatsapp', 'push'];

export async function preferencesForLink(
  token: string,
  purposes: TokenPurpose[],
  database?: Db,
): Promise<{ ok: true; view: PreferencesView } | { ok: false; reason: LinkProblem }> {
  const verified = await verifyLink(token, { purpose: purposes }, database);
  if (!verified.ok) return { ok: false, reason: verified.reason };
  const view = await preferencesView(verified.claims, database);
  return view ? { ok: true, view } : { ok: false, reason: 'unknown_subscriber' };
}

export async function preferencesView(
  claims: TokenClaims,
  database?: Db,
): Promise<PreferencesView | undefined> {
  const { workspaceId, subscriberId } = claims;
  const dbh = database ?? (await getDb());
  const [workspace, subscriber, categories, subscriptions] = await Promise.all([
    findWorkspaceById(dbh, workspaceId),
    findSubscriberById(dbh, workspaceId, subscriberId),
    listCategories(dbh, workspaceId),
    listSubscriptions(dbh, workspaceId, subscriberId),
  ]);
  if (!workspace || !subscriber) return undefined;
  const current = new Map(subscriptions.map((s) => [`${s.category}:${s.channel}`, s]));
  const live = categories.filter((c) => c.archivedAt === null);
  const used = new Set(live.flatMap((c) => c.channels));
  return {
    workspace: brandOf(workspace),
    claims,
    subscriber: {
      id: subscriber.id,
      email: subscriber.email,
      locale: subscriber.locale,
      erased: subscriber.erasedAt !== null,
      pausedUntil: subscriber.pausedUntil,
      globalOptOuts: Object.keys(subscriber.globalOptOuts),
      doNotSell: subscriber.doNotSell,
    },
    categories: live.map((c) => ({
      id: c.id,
      slug: c.slug,
      kind: c.kind,
      texts: c.texts,
      frequencies: c.frequencies,
      defaultFrequency: c.defaultFrequency,
      channels: c.channels.map((channel) => {
        const s = current.get(`${c.slug}:${channel}`);
        return { channel, status: s?.status ?? 'none', frequency: s?.frequency ?? null };
      }),
    })),
    channels: CHANNEL_ORDER.filter((c) => used.has(c)),
  };
}
