import { type Db, db as getDb } from '@/db/client';
import { insertLinkVisits } from '@/db/queries/link-visits';
import type { Channel, LinkVisitPage, NewLinkVisit } from '@/db/schema';
import type { TokenClaims } from './tokens';

/**
 * Opens of subscribers' links, for analytics only: the save rate needs to know who came to leave,
 * and link scanners (Safe Links and the like) open every link in a mail before the person does,
 * so their hits must be told apart from people. A visit is not consent (rule 2 holds: nothing here
 * touches the ledger), and recording one never fails or slows the page that records it.
 */

/**
 * User agents of mail security scanners and of HTTP libraries people do not browse with. Matched
 * case-insensitively anywhere in the string. Many scanners pass for a browser, which is why the
 * analytics also look at timing and at whether anything followed.
 */
export const SCANNER_AGENT_PATTERNS: readonly RegExp[] = [
  /(bot|crawler|spider|scanner)\b/i,
  /bingpreview|safelinks|safe links|urldefense|proofpoint|mimecast|barracuda|messagelabs/i,
  /symantec|trendmicro|trend micro|fortiguard|sophos|zscaler|forcepoint|ironport|cisco/i,
  /\b(curl|wget|python-requests|python-urllib|go-http-client|okhttp|libwww-perl|httpclient|axios|node-fetch|undici)\b/i,
  /^java\//i,
];

export function isScannerAgent(userAgent: string | null | undefined): boolean {
  if (!userAgent) return false;
  return SCANNER_AGENT_PATTERNS.some((pattern) => pattern.test(userAgent));
}

export type VisitInput = {
  page: LinkVisitPage;
  claims: Pick<TokenClaims, 'workspaceId' | 'subscriberId' | 'categoryId' | 'channel' | 'issuedAt'>;
  userAgent?: string | null;
  at?: Date;
};

export function visitRow(input: VisitInput): NewLinkVisit {
  return {
    workspaceId: input.claims.workspaceId,
    subscriberId: input.claims.subscriberId,
    page: input.page,
    categoryId: input.claims.categoryId,
    channel: (input.claims.channel as Channel | null) ?? null,
    linkIssuedAt: input.claims.issuedAt,
    scannerAgent: isScannerAgent(input.userAgent),
    visitedAt: input.at ?? new Date(),
  };
}

/** Writes visits as they are (the demo history's past ones included). */
export async function recordLinkVisits(input: VisitInput[], database?: Db): Promise<void> {
  const dbh = database ?? (await getDb());
  await insertLinkVisits(dbh, input.map(visitRow));
}

/**
 * For pages: records the visit without waiting for it, and swallows (logs) a failure, so the
 * page renders as fast and as surely as without it.
 */
export function noteLinkVisit(input: VisitInput): void {
  recordLinkVisits([input]).catch((error: unknown) => {
    console.error('dial: could not record a link visit (the page is unaffected):', error);
  });
}
