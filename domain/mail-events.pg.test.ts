import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { loadEvents } from '@/db/queries/consent';
import { type MailEvent, recordMailEvents } from './mail-events';
import { makeSubscriber, makeWorkspace } from './test-fixtures';

afterAll(() => closeDb());

describe('mail events delivered concurrently (PostgreSQL, separate connections)', () => {
  it('the same events delivered five times at once change once, without a deadlock', async () => {
    const { workspaceId } = await makeWorkspace('mail-concurrent');
    const bounced = await makeSubscriber(workspaceId);
    const complained = await makeSubscriber(workspaceId);
    const events: MailEvent[] = [
      {
        kind: 'hard_bounce',
        address: bounced.email as string,
        eventId: 'evt-1',
        evidence: { eventType: 'bounce' },
      },
      {
        kind: 'complaint',
        address: complained.email as string,
        eventId: 'evt-2',
        evidence: { eventType: 'spamreport' },
      },
    ];
    // Each delivery lists them in another order, as two batches sharing events might.
    const outcomes = await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        recordMailEvents({
          workspaceId,
          service: 'sendgrid',
          events: i % 2 ? [...events].reverse() : events,
        }),
      ),
    );
    expect(outcomes.reduce((n, o) => n + o.changed, 0)).toBe(2);
    expect(outcomes.reduce((n, o) => n + o.applied, 0)).toBe(2);
    expect(outcomes.reduce((n, o) => n + o.duplicates, 0)).toBe(8);
    const written = await loadEvents(await db(), workspaceId, [bounced.id, complained.id]);
    expect(written.map((e) => [e.subscriberId, e.source])).toEqual(
      expect.arrayContaining([
        [bounced.id, 'bounce'],
        [complained.id, 'complaint'],
      ]),
    );
    expect(written).toHaveLength(2);
  });
});
