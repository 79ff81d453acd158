import { type Db, db as getDb } from '@/db/client';
import { insertJobs } from '@/db/queries/outbox';
import type { Channel, EvidenceData, Source } from '@/db/schema';
import { applyConsentFor, type ItemResult } from './consent';
import type { CategoryView, PreferencesView } from './preferences';
import type { TokenClaims } from './tokens';
import type { ConsentChange } from './transitions';

/**
 * What an unsubscribe link stops, and the opt-out it makes. A link names a category and a
 * channel, a channel alone, or nothing: it stops that category there, every marketing message on
 * that channel, or every marketing message. A link whose category no longer exists stops its
 * channel (RFC 8058 links in old mail must keep working).
 */

export type LinkScope<C = CategoryView> =
  | { kind: 'category'; category: C; channels: Channel[] }
  | { kind: 'channel'; channel: Channel }
  | { kind: 'everything' };

/** What `scopeOf` needs of a category: a page's CategoryView, or the cached category row. */
type ScopeCategory = Pick<CategoryView, 'id' | 'kind'> & { channels: { channel: Channel }[] };

export function scopeOf(
  claims: Pick<TokenClaims, 'categoryId' | 'channel'>,
  categories: CategoryView[],
): LinkScope;
export function scopeOf(
  claims: Pick<TokenClaims, 'categoryId' | 'channel'>,
  categories: ScopeCategory[],
): LinkScope<ScopeCategory>;
export function scopeOf(
  claims: Pick<TokenClaims, 'categoryId' | 'channel'>,
  categories: ScopeCategory[],
): LinkScope<ScopeCategory> {
  const category = claims.categoryId
    ? categories.find((c) => c.id === claims.categoryId)
    : undefined;
  if (category && category.kind === 'marketing') {
    const offered = category.channels.map((c) => c.channel);
    const channels = claims.channel ? offered.filter((c) => c === claims.channel) : offered;
    if (channels.length > 0) return { kind: 'category', category, channels };
  }
  if (claims.channel) return { kind: 'channel', channel: claims.channel };
  return { kind: 'everything' };
}

export type Which = 'this' | 'all';

export function optOutChanges(
  scope: LinkScope<Pick<CategoryView, 'id'>>,
  which: Which,
): ConsentChange[] {
  if (which === 'all' || scope.kind === 'everything')
    return [{ type: 'global_opt_out', channel: 'all' }];
  if (scope.kind === 'channel') return [{ type: 'global_opt_out', channel: scope.channel }];
  return scope.channels.map((channel) => ({
    type: 'subscription',
    category: scope.category.id,
    channel,
    status: 'unsubscribed',
  }));
}

/** True when everything the link would stop is already stopped. */
export function alreadyStopped(view: PreferencesView, scope: LinkScope): boolean {
  const outs = new Set(view.subscriber.globalOptOuts);
  if (outs.has('all')) return true;
  if (scope.kind === 'everything') return false;
  if (scope.kind === 'channel') return outs.has(scope.channel);
  return scope.channels.every(
    (channel) =>
      outs.has(channel) ||
      scope.category.channels.find((c) => c.channel === channel)?.status !== 'subscribed',
  );
}

/**
 * Opts out with a link's power (reduce-only) and, in the same transaction, enqueues the one
 * confirmation message the workspace's policy allows. A repeat changes nothing and sends nothing.
 */
export async function optOutWithLink(
  input: {
    claims: TokenClaims;
    scope: LinkScope;
    which: Which;
    source: Extract<Source, 'unsubscribe_page' | 'one_click' | 'preference_center'>;
    evidence: EvidenceData;
    /** The confirmation mail may ask the optional "why?": a link to that question for this opt-out. */
    confirm: { enabled: boolean; locale?: string; feedbackUrl?: (changeId: string) => string };
  },
  database?: Db,
): Promise<ItemResult> {
  const dbh = database ?? (await getDb());
  const { workspaceId, subscriberId } = input.claims;
  return applyConsentFor(
    {
      workspaceId,
      subscriberId,
      source: input.source,
      reduceOnly: true,
      changes: optOutChanges(input.scope, input.which),
      evidence: {
        ...input.evidence,
        tokenKid: input.claims.kid,
        tokenPurpose: input.claims.purpose,
      },
      within: async (tx, [result]) => {
        if (!input.confirm.enabled || !result?.ok || !result.changeId) return;
        await insertJobs(tx, [
          {
            workspaceId,
            kind: 'mail.optout_confirmation',
            payload: {
              subscriberId,
              changeId: result.changeId,
              ...(input.confirm.locale ? { locale: input.confirm.locale } : {}),
              ...(input.confirm.feedbackUrl
                ? { feedbackUrl: input.confirm.feedbackUrl(result.changeId) }
                : {}),
            },
          },
        ]);
      },
    },
    dbh,
  );
}
