import { and, eq } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { outbox, subscribers } from '@/db/schema';
import { DomainError } from './errors';
import { networkOf, PREFERENCES_LINK_LIMITS, requestPreferencesLink } from './link-request';
import { PREFERENCES_LINK, preferencesLinkPayloadSchema } from './mail-jobs';
import { resetRateLimits } from './rate-limit';
import { makeSubscriber, makeWorkspace } from './test-fixtures';

afterAll(() => closeDb());
beforeEach(() => resetRateLimits());

const MINUTE = 60_000;
const T0 = new Date(Date.UTC(2030, 0, 1, 12));
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);

async function jobsOf(workspaceId: string) {
  return (await db())
    .select({ kind: outbox.kind, payload: outbox.payload, status: outbox.status })
    .from(outbox)
    .where(and(eq(outbox.workspaceId, workspaceId), eq(outbox.kind, PREFERENCES_LINK)));
}

/** Each test its own client address, so tests sharing a process never share an IP budget. */
let ipCounter = 0;
const freshIp = () => `192.0.2.${++ipCounter}`;

describe('requestPreferencesLink', () => {
  it('enqueues one mail job for a known address, with no personal data in it', async () => {
    const { workspace, workspaceId } = await makeWorkspace('link-request');
    const s = await makeSubscriber(workspaceId);
    const answer = await requestPreferencesLink({
      workspaceSlug: workspace.slug,
      email: `  ${s.email?.toUpperCase()} `,
      ip: freshIp(),
      locale: 'es-MX',
    });
    expect(answer).toEqual({ status: 'sent' });
    const jobs = await jobsOf(workspaceId);
    expect(jobs).toEqual([
      {
        kind: PREFERENCES_LINK,
        payload: { subscriberId: s.id, locale: 'es' },
        status: 'pending',
      },
    ]);
    expect(JSON.stringify(jobs)).not.toContain(s.email?.split('@')[0]);
    // What the mail handler will accept.
    expect(preferencesLinkPayloadSchema.safeParse(jobs[0]?.payload).success).toBe(true);
  });

  it('answers an unknown address exactly the same, and enqueues nothing', async () => {
    const { workspace, workspaceId } = await makeWorkspace('link-request');
    const known = await makeSubscriber(workspaceId);
    const ip = freshIp();
    const forKnown = await requestPreferencesLink({
      workspaceSlug: workspace.slug,
      email: known.email ?? '',
      ip,
    });
    const forUnknown = await requestPreferencesLink({
      workspaceSlug: workspace.slug,
      email: 'nobody@example.com',
      ip,
    });
    expect(forUnknown).toEqual(forKnown);
    expect((await jobsOf(workspaceId)).map((j) => j.payload)).toEqual([{ subscriberId: known.id }]);
  });

  it("sends nothing for another workspace's subscriber or an erased one", async () => {
    const one = await makeWorkspace('link-request');
    const other = await makeWorkspace('link-request');
    const s = await makeSubscriber(one.workspaceId);
    expect(
      await requestPreferencesLink({
        workspaceSlug: other.workspace.slug,
        email: s.email ?? '',
        ip: freshIp(),
      }),
    ).toEqual({ status: 'sent' });
    expect(await jobsOf(other.workspaceId)).toEqual([]);

    const erased = await makeSubscriber(one.workspaceId);
    // Erasure's own path is elsewhere; here only the mark matters.
    await (await db())
      .update(subscribers)
      .set({ erasedAt: new Date() })
      .where(eq(subscribers.id, erased.id));
    expect(
      await requestPreferencesLink({
        workspaceSlug: one.workspace.slug,
        email: erased.email ?? '',
        ip: freshIp(),
      }),
    ).toEqual({ status: 'sent' });
    expect(await jobsOf(one.workspaceId)).toEqual([]);
  });

  it('limits one address to 3 an hour and 5 a day, known or not, from any network', async () => {
    const { workspace, workspaceId } = await makeWorkspace('link-request');
    const s = await makeSubscriber(workspaceId);
    expect(PREFERENCES_LINK_LIMITS.addressHour.limit).toBe(3);
    expect(PREFERENCES_LINK_LIMITS.addressDay.limit).toBe(5);
    for (const email of [s.email ?? '', 'unknown@example.com']) {
      const ask = (minutes: number) =>
        requestPreferencesLink({
          workspaceSlug: workspace.slug,
          email,
          ip: freshIp(),
          now: at(minutes),
        });
      for (const m of [0, 1, 2]) expect(await ask(m)).toEqual({ status: 'sent' });
      expect(await ask(3)).toEqual({ status: 'rate_limited', retryAfterSeconds: 57 * 60 });
      // An hour after the first: two more, then the day's five are spent until T0 + 24 h.
      expect(await ask(60)).toEqual({ status: 'sent' });
      expect(await ask(61)).toEqual({ status: 'sent' });
      expect(await ask(62)).toEqual({
        status: 'rate_limited',
        retryAfterSeconds: 24 * 60 * 60 - 62 * 60,
      });
      expect(await ask(24 * 60)).toEqual({ status: 'sent' });
    }
    expect(await jobsOf(workspaceId)).toHaveLength(6);
  });

  it('limits one network to 10 an hour, whatever the addresses', async () => {
    const { workspace } = await makeWorkspace('link-request');
    expect(PREFERENCES_LINK_LIMITS.ip.limit).toBe(10);
    const ask = (i: number, ip: string) =>
      requestPreferencesLink({
        workspaceSlug: workspace.slug,
        email: `probe-${i}@example.com`,
        ip,
        now: at(i),
      });
    for (let i = 0; i < 10; i++) expect((await ask(i, '2001:db8:1:2::1')).status).toBe('sent');
    // Another address in the same IPv6 /64 is the same network.
    expect(await ask(10, '2001:db8:1:2:ffff::9')).toEqual({
      status: 'rate_limited',
      retryAfterSeconds: 50 * 60,
    });
    expect((await ask(11, '2001:db8:1:3::1')).status).toBe('sent');
  });

  it('rejects an invalid address with a plain validation error, before counting anything', async () => {
    const { workspace } = await makeWorkspace('link-request');
    const ip = freshIp();
    for (const email of ['not-an-address', '', 'a@b@example.com']) {
      const error = await requestPreferencesLink({
        workspaceSlug: workspace.slug,
        email,
        ip,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        code: 'validation',
        message: 'Enter an email address like name@example.com.',
      });
    }
  });

  it('not_found for an unknown workspace', async () => {
    await expect(
      requestPreferencesLink({ workspaceSlug: 'no-such-workspace', email: 'a@example.com' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('networkOf', () => {
  it('keeps IPv4, maps IPv4-in-IPv6 back, and cuts IPv6 to its /64', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:DB8:0001:2::1%eth0')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(networkOf('::1')).toBe('0:0:0:0::/64');
    expect(networkOf('1::2:3:4:5:1.2.3.4')).toBe('1:0:2:3::/64');
    expect(networkOf('unknown')).toBe('unknown');
  });
});
