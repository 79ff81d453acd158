import { randomUUID } from 'node:crypto';
import { db } from '@/db/client';
import { upsertCategories } from '@/db/queries/workspaces';
import type { Channel, Frequency } from '@/db/schema';
import { applyConsentFor } from './consent';
import { upsertSubscriber } from './subscribers';
import { createWorkspace } from './workspaces';

/**
 * Test data: a fresh workspace per test (tests share a database on PostgreSQL), with the demo's
 * three kinds of category.
 */
export async function makeWorkspace(prefix = 'test') {
  const slug = `${prefix}-${randomUUID().slice(0, 8)}`;
  const workspace = await createWorkspace({ slug, name: `Test ${slug}` });
  const dbh = await db();
  const cats = await upsertCategories(dbh, [
    {
      workspaceId: workspace.id,
      slug: 'promotions',
      kind: 'marketing',
      channels: ['email', 'sms', 'whatsapp', 'push'],
      frequencies: ['instant', 'weekly', 'monthly'],
      defaultFrequency: 'instant',
    },
    {
      workspaceId: workspace.id,
      slug: 'product-news',
      kind: 'marketing',
      channels: ['email', 'push'],
      frequencies: ['instant', 'monthly'],
      defaultFrequency: 'instant',
    },
    {
      workspaceId: workspace.id,
      slug: 'order-updates',
      kind: 'transactional',
      channels: ['email', 'sms', 'whatsapp'],
      frequencies: ['instant'],
      defaultFrequency: 'instant',
    },
  ]);
  const categoryIds = Object.fromEntries(cats.map((c) => [c.slug, c.id])) as Record<string, string>;
  return { workspace, workspaceId: workspace.id, categoryIds };
}

export async function makeSubscriber(
  workspaceId: string,
  email = `${randomUUID().slice(0, 8)}@example.com`,
) {
  const { subscriber } = await upsertSubscriber(workspaceId, { email });
  return subscriber;
}

/** One subscription set through the one door (promotions by email unless said otherwise). */
export function setSubscription(
  workspaceId: string,
  subscriberId: string,
  change: {
    status: 'subscribed' | 'unsubscribed' | 'pending';
    frequency?: Frequency;
    category?: string;
    channel?: Channel;
  },
  source: 'api' | 'preference_center' = 'api',
) {
  return applyConsentFor({
    workspaceId,
    subscriberId,
    source,
    changes: [{ type: 'subscription', category: 'promotions', channel: 'email', ...change }],
  });
}
