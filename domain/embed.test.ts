import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { insertConsentTexts, insertForms } from '@/db/queries/workspaces';
import { evidence, subscribers, workspaces } from '@/db/schema';
import { check } from './check';
import { applyConsentFor } from './consent';
import {
  confirmationToken,
  confirmDoubleOptIn,
  type EmbedForm,
  expirePendingConsents,
  frameAncestors,
  loadEmbedForm,
  originAllowed,
  pendingForConfirmation,
  submitEmbedForm,
} from './embed';
import { eraseSubscriber } from './erasure';
import { signFormToken } from './form-tokens';
import { resetRateLimits } from './rate-limit';
import { makeWorkspace } from './test-fixtures';

afterAll(() => closeDb());
beforeEach(() => resetRateLimits());

let slug: string;
let workspaceId: string;
beforeAll(async () => {
  const made = await makeWorkspace('embed');
  slug = made.workspace.slug;
  workspaceId = made.workspaceId;
  const dbh = await db();
  await insertConsentTexts(dbh, [
    { workspaceId, key: 'consent', locale: 'en', version: 1, body: 'Old wording.' },
    { workspaceId, key: 'consent', locale: 'en', version: 2, body: 'Yes, send me what I ticked.' },
  ]);
  await insertForms(dbh, [
    {
      workspaceId,
      slug: 'signup',
      name: 'Signup',
      fields: ['email', 'phone'],
      categorySlugs: ['promotions', 'product-news', 'order-updates'],
      channels: ['email', 'sms'],
      consentTextKey: 'consent',
      doubleOptIn: { email: true, sms: true },
      allowedOrigins: ['https://shop.example', 'https://*.shop.example'],
    },
    {
      workspaceId,
      slug: 'single',
      name: 'Single opt-in',
      fields: ['email'],
      categorySlugs: ['promotions'],
      channels: ['email'],
      consentTextKey: 'consent',
      doubleOptIn: {},
      allowedOrigins: ['https://shop.example'],
    },
  ]);
});

/** This workspace's double opt-in policy (Settings), as each test needs it. */
async function setDoubleOptInPolicy(doubleOptIn: Partial<Record<'email' | 'sms', boolean>>) {
  await (await db())
    .update(workspaces)
    .set({
      settings: sql`jsonb_set(${workspaces.settings}, '{policies,doubleOptIn}', ${JSON.stringify(doubleOptIn)}::jsonb)`,
    })
    .where(eq(workspaces.id, workspaceId));
}

async function form(name = 'signup'): Promise<EmbedForm> {
  const embed = await loadEmbedForm({ workspaceSlug: slug, formSlug: name, locale: 'en' });
  if (!embed) throw new Error('form missing');
  return embed;
}

function fields(embed: EmbedForm, values: Record<string, string>): Map<string, string> {
  return new Map(
    Object.entries({
      form_token: signFormToken({ workspaceId, formId: embed.form.id }),
      website: '',
      ...values,
    }),
  );
}

const promoEmail = (email: string) =>
  check({ workspaceId, subscriber: { email }, category: 'promotions', channel: 'email' });

async function jobsFor(email: string, kind: string) {
  const rows = (await (
    await db()
  ).execute(
    sql`select o.payload from outbox o join subscribers s on s.id::text = o.payload->>'subscriberId'
        where s.email = ${email} and o.kind = ${kind}`,
  )) as unknown as { rows: { payload: { changeId: string } }[] };
  return rows.rows;
}

describe('what a form offers', () => {
  it('offers marketing categories on the form channels, the newest consent wording, never transactional', async () => {
    const embed = await form();
    expect(embed.options.map((o) => o.key)).toEqual([
      'opt:promotions:email',
      'opt:promotions:sms',
      'opt:product-news:email',
    ]);
    expect(embed.consentText).toMatchObject({ version: 2, body: 'Yes, send me what I ticked.' });
  });

  it('matches allowed origins exactly, by port wildcard, or by subdomain', () => {
    const patterns = ['https://shop.example', 'http://localhost:*', 'https://*.brand.example'];
    expect(originAllowed('https://shop.example', patterns)).toBe(true);
    expect(originAllowed('http://localhost:4321', patterns)).toBe(true);
    expect(originAllowed('https://eu.brand.example', patterns)).toBe(true);
    expect(originAllowed('https://brand.example', patterns)).toBe(false);
    expect(originAllowed('http://shop.example', patterns)).toBe(false);
    expect(originAllowed('https://shop.example.evil.test', patterns)).toBe(false);
    expect(originAllowed('https://shop.example:8443', patterns)).toBe(false);
    expect(originAllowed('null', patterns)).toBe(false);
    expect(frameAncestors(patterns)).toBe(
      'https://shop.example http://localhost:* https://*.brand.example',
    );
    expect(frameAncestors(['https://x.example; script-src *'])).toBe("'none'");
  });
});

describe('submitting the form', () => {
  it('records pending consent with full evidence and queues one confirmation mail and one text', async () => {
    const embed = await form();
    const outcome = await submitEmbedForm({
      embed,
      fields: fields(embed, {
        email: 'Pat@Example.com',
        phone: '+14155550199',
        'opt:promotions:email': 'on',
        'opt:promotions:sms': 'on',
        embed_origin: 'https://www.shop.example',
      }),
      ip: '203.0.113.9',
      userAgent: 'Test Browser',
      locale: 'en',
    });
    expect(outcome).toMatchObject({ kind: 'accepted', status: 'pending' });
    expect(await promoEmail('pat@example.com')).toMatchObject({
      allowed: false,
      reason: 'pending',
    });
    expect(await jobsFor('pat@example.com', 'mail.double_opt_in')).toHaveLength(1);
    expect(await jobsFor('pat@example.com', 'sms.double_opt_in')).toHaveLength(1);
    const dbh = await db();
    const [subscriber] = await dbh
      .select()
      .from(subscribers)
      .where(eq(subscribers.email, 'pat@example.com'));
    const [row] = await dbh
      .select()
      .from(evidence)
      .where(eq(evidence.subscriberId, subscriber?.id as string));
    expect(row?.data).toMatchObject({
      formId: embed.form.id,
      consentTextId: embed.consentText?.id,
      consentTextVersion: 2,
      origin: 'https://www.shop.example',
      ip: '203.0.113.9',
      userAgent: 'Test Browser',
      detail: { originVerified: true },
    });
  });

  it('does not record an origin the form does not allow', async () => {
    const embed = await form();
    await submitEmbedForm({
      embed,
      fields: fields(embed, {
        email: 'origin@example.com',
        'opt:promotions:email': 'on',
        embed_origin: 'https://evil.example',
      }),
      locale: 'en',
    });
    const dbh = await db();
    const [subscriber] = await dbh
      .select()
      .from(subscribers)
      .where(eq(subscribers.email, 'origin@example.com'));
    const [row] = await dbh
      .select()
      .from(evidence)
      .where(eq(evidence.subscriberId, subscriber?.id as string));
    expect(row?.data.origin).toBeUndefined();
    expect(row?.data.detail).toMatchObject({ originVerified: false });
  });

  it('subscribes at once where neither the form nor the workspace asks for double opt-in', async () => {
    await setDoubleOptInPolicy({});
    const embed = await form('single');
    const outcome = await submitEmbedForm({
      embed,
      fields: fields(embed, { email: 'now@example.com', 'opt:promotions:email': 'on' }),
      locale: 'en',
    });
    expect(outcome).toMatchObject({ kind: 'accepted', status: 'subscribed' });
    expect((await promoEmail('now@example.com')).allowed).toBe(true);
  });

  it("keeps the workspace's double opt-in policy where a form has none (a form cannot take it away)", async () => {
    await setDoubleOptInPolicy({ email: true });
    const embed = await form('single');
    expect(embed.form.doubleOptIn).toEqual({ email: true });
    const outcome = await submitEmbedForm({
      embed,
      fields: fields(embed, { email: 'floor@example.com', 'opt:promotions:email': 'on' }),
      locale: 'en',
    });
    expect(outcome).toMatchObject({ kind: 'accepted', status: 'pending' });
    expect(await promoEmail('floor@example.com')).toMatchObject({
      allowed: false,
      reason: 'pending',
    });
    await setDoubleOptInPolicy({});
  });

  it('asks again for a stale or forged form token, bad addresses and no choice', async () => {
    const embed = await form();
    const stale = fields(embed, { email: 'a@example.com', 'opt:promotions:email': 'on' });
    stale.set(
      'form_token',
      signFormToken({ workspaceId, formId: embed.form.id }, new Date(Date.now() - 3 * 3_600_000)),
    );
    expect((await submitEmbedForm({ embed, fields: stale, locale: 'en' })).kind).toBe('stale');
    const other = await form('single');
    const forged = fields(embed, { email: 'a@example.com', 'opt:promotions:email': 'on' });
    forged.set('form_token', signFormToken({ workspaceId, formId: other.form.id }));
    expect((await submitEmbedForm({ embed, fields: forged, locale: 'en' })).kind).toBe('stale');
    expect(
      await submitEmbedForm({
        embed,
        fields: fields(embed, { email: 'nope', 'opt:promotions:email': 'on' }),
        locale: 'en',
      }),
    ).toEqual({
      kind: 'invalid',
      errors: { email: 'invalid' },
    });
    expect(
      await submitEmbedForm({
        embed,
        fields: fields(embed, { email: 'a@example.com' }),
        locale: 'en',
      }),
    ).toEqual({
      kind: 'invalid',
      errors: { choices: 'choose' },
    });
    expect(
      await submitEmbedForm({
        embed,
        fields: fields(embed, { email: 'a@example.com', 'opt:promotions:sms': 'on' }),
        locale: 'en',
      }),
    ).toEqual({ kind: 'invalid', errors: { phone: 'required' } });
  });

  it('stores nothing when the honeypot is filled, and answers as usual', async () => {
    const embed = await form();
    const outcome = await submitEmbedForm({
      embed,
      fields: fields(embed, {
        email: 'bot@example.com',
        'opt:promotions:email': 'on',
        website: 'http://spam.example',
      }),
      locale: 'en',
    });
    expect(outcome).toMatchObject({ kind: 'accepted', status: 'pending' });
    const dbh = await db();
    expect(
      await dbh.select().from(subscribers).where(eq(subscribers.email, 'bot@example.com')),
    ).toEqual([]);
  });

  it('gives the same answer for a known and an unknown address', async () => {
    const embed = await form();
    const first = await submitEmbedForm({
      embed,
      fields: fields(embed, { email: 'same@example.com', 'opt:promotions:email': 'on' }),
      locale: 'en',
    });
    const again = await submitEmbedForm({
      embed,
      fields: fields(embed, { email: 'same@example.com', 'opt:promotions:email': 'on' }),
      locale: 'en',
    });
    const { events: _a, ...firstAnswer } = first as Extract<typeof first, { kind: 'accepted' }>;
    const { events: _b, ...againAnswer } = again as Extract<typeof again, { kind: 'accepted' }>;
    expect(againAnswer).toEqual(firstAnswer);
  });

  it('rate-limits a burst from one visitor (429) and sends at most 3 confirmation mails a day per address', async () => {
    const embed = await form();
    for (let i = 0; i < 5; i++) {
      await submitEmbedForm({
        embed,
        fields: fields(embed, { email: 'burst@example.com', 'opt:product-news:email': 'on' }),
        ip: `198.51.100.${i}`,
        locale: 'en',
      });
      await applyConsentFor({
        workspaceId,
        subscriberId: ((
          await (
            await db()
          )
            .select()
            .from(subscribers)
            .where(eq(subscribers.email, 'burst@example.com'))
        )[0]?.id ?? '') as string,
        source: 'expiry',
        changes: [{ type: 'expire_pending', category: 'product-news', channel: 'email' }],
      });
    }
    expect((await jobsFor('burst@example.com', 'mail.double_opt_in')).length).toBe(3);
    const address = await submitEmbedForm({
      embed,
      fields: fields(embed, { email: 'burst@example.com', 'opt:product-news:email': 'on' }),
      ip: '198.51.100.99',
      locale: 'en',
    });
    expect(address).toMatchObject({ kind: 'rate_limited' });
    let last = undefined as Awaited<ReturnType<typeof submitEmbedForm>> | undefined;
    for (let i = 0; i < 21; i++) {
      last = await submitEmbedForm({
        embed,
        fields: fields(embed, { email: `v${i}@example.com`, 'opt:product-news:email': 'on' }),
        ip: '192.0.2.1',
        locale: 'en',
      });
    }
    expect(last).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: expect.any(Number) });
  });
});

describe('double opt-in', () => {
  async function signup(email: string) {
    const embed = await form();
    await submitEmbedForm({
      embed,
      fields: fields(embed, { email, 'opt:promotions:email': 'on' }),
      locale: 'en',
    });
    const [job] = await jobsFor(email, 'mail.double_opt_in');
    const [subscriber] = await (await db())
      .select()
      .from(subscribers)
      .where(eq(subscribers.email, email));
    return confirmationToken({
      workspaceId,
      subscriberId: subscriber?.id as string,
      changeId: job?.payload.changeId as string,
    });
  }

  it('looking at the confirmation changes nothing; the POST confirms, once', async () => {
    const token = await signup('confirm@example.com');
    const seen = await pendingForConfirmation(token);
    expect(seen?.stillPending).toHaveLength(1);
    expect((await promoEmail('confirm@example.com')).reason).toBe('pending');
    expect(await confirmDoubleOptIn({ token, ip: '192.0.2.44', userAgent: 'Phone' })).toBe(
      'confirmed',
    );
    expect(await promoEmail('confirm@example.com')).toMatchObject({
      allowed: true,
      reason: 'subscribed',
    });
    expect(await confirmDoubleOptIn({ token })).toBe('already');
    const dbh = await db();
    const [subscriber] = await dbh
      .select()
      .from(subscribers)
      .where(eq(subscribers.email, 'confirm@example.com'));
    const rows = await dbh
      .select()
      .from(evidence)
      .where(eq(evidence.subscriberId, subscriber?.id as string));
    expect(rows.map((r) => r.data)).toContainEqual(
      expect.objectContaining({ ip: '192.0.2.44', userAgent: 'Phone' }),
    );
    expect(await confirmDoubleOptIn({ token: `${token}x` })).toBe('invalid');
  });

  it('an erased address stays suppressed until the person confirms a new signup themselves', async () => {
    const embed = await form();
    await submitEmbedForm({
      embed,
      fields: fields(embed, {
        email: 'gone@example.com',
        'opt:promotions:email': 'on',
        'opt:promotions:sms': 'on',
        phone: '+14155550123',
      }),
      locale: 'en',
    });
    const dbh = await db();
    const [old] = await dbh
      .select()
      .from(subscribers)
      .where(eq(subscribers.email, 'gone@example.com'));
    await eraseSubscriber({
      workspaceId,
      subscriberId: old?.id as string,
      requestedBy: 'subscriber',
    });
    const token = await signup('gone@example.com');
    expect((await promoEmail('gone@example.com')).allowed).toBe(false);
    expect(await confirmDoubleOptIn({ token })).toBe('confirmed');
    expect((await promoEmail('gone@example.com')).allowed).toBe(true);
    // Only what was confirmed comes back: the other channels stay stopped.
    expect(
      (
        await check({
          workspaceId,
          subscriber: { email: 'gone@example.com' },
          category: 'promotions',
          channel: 'sms',
        })
      ).allowed,
    ).toBe(false);
  });

  it('expires pending consents after the configured days (source expiry)', async () => {
    await signup('late@example.com');
    expect(
      await expirePendingConsents(new Date(Date.now() + 29 * 86_400_000), { workspaceId }),
    ).toBeGreaterThanOrEqual(0);
    expect((await promoEmail('late@example.com')).reason).toBe('pending');
    expect(
      await expirePendingConsents(new Date(Date.now() + 31 * 86_400_000), { workspaceId }),
    ).toBeGreaterThan(0);
    expect(await promoEmail('late@example.com')).toMatchObject({
      allowed: false,
      reason: 'not_subscribed',
      status: 'none',
    });
  });
});
