import type { Db } from '@/db/client';
import type { Channel, Workspace } from '@/db/schema';
import { config } from '@/platform/config';
import { findCheckCategory } from './check';
import { DomainError } from './errors';
import { issueLink } from './signing-keys';

/**
 * The signed links a sender puts in a message: manage preferences, unsubscribe (reduce-only,
 * never expiring) and the RFC 8058 one-click target, with the ready headers.
 */

export type Links = {
  preferencesUrl: string;
  unsubscribeUrl: string;
  oneClickUrl: string;
  headers: { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': string };
};

/** A workspace with a link domain of its own keeps its reputation apart from other tenants'. */
export function linkOrigin(workspace: Pick<Workspace, 'settings'>): string {
  const domain = workspace.settings.linkDomain;
  return domain ? `https://${domain}` : config().baseUrl;
}

export function preferencesPath(token: string): string {
  return `/p/${token}`;
}
export function unsubscribePath(token: string): string {
  return `/u/${token}`;
}
export function oneClickPath(token: string): string {
  return `/u/${token}/one-click`;
}

export async function buildLinks(
  input: {
    workspace: Pick<Workspace, 'id' | 'settings'>;
    subscriberId: string;
    category?: string;
    channel?: Channel;
  },
  database?: Db,
): Promise<Links> {
  let categoryId: string | null = null;
  if (input.category) {
    const category = await findCheckCategory(input.workspace.id, input.category, database);
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
  const subject = {
    workspaceId: input.workspace.id,
    subscriberId: input.subscriberId,
    categoryId,
    channel: input.channel ?? null,
  };
  const origin = linkOrigin(input.workspace);
  const preferences = await issueLink({ ...subject, purpose: 'preferences' }, { database });
  const unsubscribe = await issueLink({ ...subject, purpose: 'unsubscribe' }, { database });
  const oneClickUrl = `${origin}${oneClickPath(unsubscribe)}`;
  return {
    preferencesUrl: `${origin}${preferencesPath(preferences)}`,
    unsubscribeUrl: `${origin}${unsubscribePath(unsubscribe)}`,
    oneClickUrl,
    headers: {
      'List-Unsubscribe': `<${oneClickUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
