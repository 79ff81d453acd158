import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDb, db } from '@/db/client';
import { isScannerAgent, noteLinkVisit, recordLinkVisits, visitRow } from './link-visits';
import { makeSubscriber, makeWorkspace } from './test-fixtures';

beforeAll(async () => {
  await db();
});
afterAll(() => closeDb());

describe('link visits', () => {
  it('knows security scanners and HTTP libraries by their user agent, and browsers as browsers', () => {
    for (const agent of [
      'Mozilla/5.0 (compatible; Barracuda Sentinel)',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 BingPreview/1.0b',
      'Proofpoint URL Defense',
      'python-requests/2.31.0',
      'curl/8.4.0',
      'Go-http-client/1.1',
      'Java/17.0.2',
      'Mozilla/5.0 (compatible; Googlebot/2.1)',
    ])
      expect(isScannerAgent(agent), agent).toBe(true);
    for (const agent of [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      '',
      undefined,
    ])
      expect(isScannerAgent(agent), String(agent)).toBe(false);
  });

  it('stores what the link says and whether the agent was a scanner, and no user agent or address', async () => {
    const { workspaceId, categoryIds } = await makeWorkspace('visits');
    const subscriber = await makeSubscriber(workspaceId);
    const issuedAt = new Date('2026-03-01T10:00:00.123Z');
    const at = new Date('2026-03-01T12:00:00.456Z');
    await recordLinkVisits([
      {
        page: 'less',
        claims: {
          workspaceId,
          subscriberId: subscriber.id,
          categoryId: categoryIds.promotions as string,
          channel: 'sms',
          issuedAt,
        },
        userAgent: 'curl/8.4.0',
        at,
      },
    ]);
    const result = (await (
      await db()
    ).execute(sql`select * from link_visits where workspace_id = ${workspaceId}`)) as unknown as {
      rows: Record<string, unknown>[];
    };
    expect(result.rows).toHaveLength(1);
    const row = result.rows[0] as Record<string, unknown>;
    expect(Object.keys(row).sort()).toEqual(
      [
        'id',
        'workspace_id',
        'subscriber_id',
        'page',
        'category_id',
        'channel',
        'link_issued_at',
        'scanner_agent',
        'visited_at',
      ].sort(),
    );
    expect(row).toMatchObject({
      subscriber_id: subscriber.id,
      page: 'less',
      category_id: categoryIds.promotions,
      channel: 'sms',
      scanner_agent: true,
    });
    expect(new Date(row.visited_at as string).toISOString()).toBe(at.toISOString());
    expect(new Date(row.link_issued_at as string).toISOString()).toBe(issuedAt.toISOString());
  });

  it('a page noting a visit never fails: a failed write is logged and swallowed', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() =>
        noteLinkVisit({
          page: 'unsubscribe',
          claims: {
            workspaceId: 'not-a-uuid',
            subscriberId: 'not-a-uuid',
            categoryId: null,
            channel: null,
            issuedAt: new Date(),
          },
          userAgent: 'Mozilla/5.0',
        }),
      ).not.toThrow();
      await vi.waitFor(() => expect(logged).toHaveBeenCalled(), { timeout: 10_000 });
      expect(String(logged.mock.calls[0]?.[0])).toMatch(/could not record a link visit/);
    } finally {
      logged.mockRestore();
    }
  });

  it('a visit row takes the link channel and category from the token, null for every one', () => {
    expect(
      visitRow({
        page: 'preferences',
        claims: {
          workspaceId: 'w',
          subscriberId: 's',
          categoryId: null,
          channel: null,
          issuedAt: new Date(0),
        },
      }),
    ).toMatchObject({ categoryId: null, channel: null, scannerAgent: false, page: 'preferences' });
  });
});
