import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db, queryRows } from '@/db/client';
import { insertJobs } from '@/db/queries/outbox';
import {
  consentEvents,
  evidence,
  feedback,
  importRows,
  imports,
  linkVisits,
  mailbox,
  outbox,
  subscribers,
  suppressions,
} from '@/db/schema';
import { verifySubscriberChain, verifyWorkspace, writeCheckpoint } from './chain';
import { check } from './check';
import { applyConsentFor } from './consent';
import { eraseSubscriber } from './erasure';
import { DomainError } from './errors';
import { recordLinkVisits } from './link-visits';
import { exportSubscriberData } from './my-data';
import { subscriberUpsertSchema, upsertSubscriber } from './subscribers';
import { isSuppressed, suppressionHash } from './suppression';
import { makeSubscriber, makeWorkspace } from './test-fixtures';

afterAll(() => closeDb());

const MARKETING = [
  ['promotions', ['email', 'sms', 'whatsapp', 'push']],
  ['product-news', ['email', 'push']],
] as const;

/** Every row of the workspace in the tables that could hold personal data, as text. */
async function workspaceText(workspaceId: string): Promise<string> {
  const dbh = await db();
  const tables = [
    'subscribers',
    'subscriptions',
    'consent_events',
    'evidence',
    'feedback',
    'outbox',
    'mailbox',
    'suppressions',
    'idempotency_keys',
  ];
  const texts: string[] = [];
  for (const table of tables) {
    const rows = await queryRows<{ t: string }>(
      dbh,
      sql`select t::text as t from ${sql.identifier(table)} t where t.workspace_id = ${workspaceId}`,
    );
    texts.push(...rows.map((r) => r.t));
  }
  return texts.join('\n').toLowerCase();
}

type Person = {
  id: string;
  email: string;
  phone: string;
  externalId: string;
  ip: string;
  ua: string;
  comment: string;
};

let made = 0;

/**
 * A subscriber with everything Dial can hold about someone: consent, evidence, feedback, mail.
 * No two share a phone or an IP, and neither is part of another's (203.0.113.1 is in
 * 203.0.113.15): the tests look for one person's values in the text of a whole workspace.
 */
async function richSubscriber(workspaceId: string, tag: string): Promise<Person> {
  made++;
  const n = String(1000 + made);
  const person = {
    email: `${tag}-${randomUUID().slice(0, 6)}@example.com`,
    phone: `+1415555${n}`,
    externalId: `crm-${tag}-${randomUUID().slice(0, 6)}`,
    ip: `203.0.113.${100 + made}`,
    ua: `SecretBrowser/${tag}-${n}`,
    comment: `Please stop, ${tag} here, my dog is called Biscuit-${n}`,
  };
  const { subscriber } = await upsertSubscriber(workspaceId, {
    email: person.email,
    phone: person.phone,
    externalId: person.externalId,
    locale: 'es',
  });
  const ev = { ip: person.ip, userAgent: person.ua };
  await applyConsentFor({
    workspaceId,
    subscriberId: subscriber.id,
    source: 'preference_center',
    evidence: ev,
    changes: [
      { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      { type: 'subscription', category: 'product-news', channel: 'email', status: 'subscribed' },
      { type: 'subscription', category: 'promotions', channel: 'push', status: 'subscribed' },
    ],
  });
  await applyConsentFor({
    workspaceId,
    subscriberId: subscriber.id,
    source: 'api',
    evidence: { ...ev, detail: { email: person.email } },
    changes: [{ type: 'subscription', category: 'promotions', channel: 'sms', status: 'pending' }],
  });
  const optOut = await applyConsentFor({
    workspaceId,
    subscriberId: subscriber.id,
    source: 'unsubscribe_page',
    evidence: { ...ev, comment: person.comment },
    changes: [
      { type: 'subscription', category: 'promotions', channel: 'push', status: 'unsubscribed' },
    ],
  });
  const dbh = await db();
  if (!optOut.ok || !optOut.changeId) throw new Error('setup: opt-out failed');
  await dbh.insert(feedback).values({
    workspaceId,
    subscriberId: subscriber.id,
    changeId: optOut.changeId,
    reason: 'too_frequent',
    comment: person.comment,
  });
  await dbh.insert(mailbox).values({
    workspaceId,
    to: person.email,
    from: 'shop@example.com',
    subject: 'You opted out',
    text: `Hello ${person.email}`,
    html: `<p>Hello ${person.email}</p>`,
  });
  await insertJobs(dbh, [
    {
      workspaceId,
      kind: 'mail.optout_confirmation',
      payload: { subscriberId: subscriber.id, changeId: optOut.changeId },
    },
  ]);
  return { id: subscriber.id, ...person };
}

describe('eraseSubscriber', () => {
  let workspaceId: string;
  let otherWorkspaceId: string;
  let person: Person;
  let bystander: Person;
  let eventsBefore: number;
  let changeId: string | null;

  beforeAll(async () => {
    ({ workspaceId } = await makeWorkspace('erase'));
    ({ workspaceId: otherWorkspaceId } = await makeWorkspace('erase-other'));
    person = await richSubscriber(workspaceId, 'ana');
    bystander = await richSubscriber(workspaceId, 'bo');
    for (const who of [person, bystander]) {
      await recordLinkVisits([
        {
          page: 'unsubscribe',
          claims: {
            workspaceId,
            subscriberId: who.id,
            categoryId: null,
            channel: 'email',
            issuedAt: new Date(),
          },
        },
      ]);
    }
    // An upload whose rows name both people, one with the address typed differently.
    const [upload] = await (await db())
      .insert(imports)
      .values({ workspaceId, fileName: 'customers.csv' })
      .returning({ id: imports.id });
    await (await db()).insert(importRows).values([
      { importId: upload?.id as string, row: 2, cells: [` ${person.email.toUpperCase()} `, ''] },
      { importId: upload?.id as string, row: 3, cells: ['', person.phone.replace('+1', '+1 (')] },
      { importId: upload?.id as string, row: 4, cells: [bystander.email, bystander.phone] },
    ]);
    // The same address in another workspace: a different person to that business.
    await upsertSubscriber(otherWorkspaceId, { email: person.email });
    const dbh = await db();
    await dbh.insert(mailbox).values({
      workspaceId: otherWorkspaceId,
      to: person.email,
      from: 'other@example.com',
      subject: 'Hi',
      text: 'Hi',
      html: '<p>Hi</p>',
    });
    await writeCheckpoint(workspaceId);
    eventsBefore = (await verifySubscriberChain(workspaceId, person.id)).events;
    ({ changeId } = await eraseSubscriber({
      workspaceId,
      subscriberId: person.id,
      requestedBy: 'subscriber',
      evidence: {
        ip: person.ip,
        userAgent: person.ua,
        tokenKid: 'k_test',
        tokenPurpose: 'preferences',
      },
    }));
  });

  it('leaves no email, phone, external id, IP, user agent or comment anywhere in the workspace', async () => {
    expect(changeId).toEqual(expect.any(String));
    const text = await workspaceText(workspaceId);
    for (const secret of [
      person.email,
      person.phone,
      person.externalId,
      person.ip,
      person.ua,
      person.comment,
    ]) {
      expect(text).not.toContain(secret.toLowerCase());
    }
    // Nor the phone's digits without the plus sign.
    expect(text).not.toContain(person.phone.slice(1));
  });

  it('keeps the subscriber row without identifiers, marked erased', async () => {
    const dbh = await db();
    const [row] = await dbh.select().from(subscribers).where(sql`${subscribers.id} = ${person.id}`);
    expect(row).toMatchObject({ email: null, phone: null, externalId: null, locale: null });
    expect(row?.erasedAt).toBeInstanceOf(Date);
    expect(row?.globalOptOuts).toEqual({ all: { own: true } });
  });

  it('keeps the ledger, which still verifies, with the erasure at its end', async () => {
    const chain = await verifySubscriberChain(workspaceId, person.id);
    expect(chain.problems).toEqual([]);
    expect(chain.ok).toBe(true);
    const dbh = await db();
    const events = await dbh
      .select({
        type: consentEvents.type,
        source: consentEvents.source,
        after: consentEvents.after,
      })
      .from(consentEvents)
      .where(sql`${consentEvents.subscriberId} = ${person.id}`)
      .orderBy(consentEvents.seq);
    expect(events.length).toBeGreaterThan(eventsBefore);
    expect(events.slice(eventsBefore).map((e) => e.type)).toEqual([
      'subscription',
      'subscription',
      'subscription',
      'global_opt_out',
      'erasure',
    ]);
    expect(events.slice(eventsBefore).every((e) => e.source === 'erasure')).toBe(true);
    const workspace = await verifyWorkspace(workspaceId);
    expect(workspace.problems).toEqual([]);
  });

  it('keeps only the evidence of the request itself, which holds nothing personal', async () => {
    const dbh = await db();
    const rows = await dbh
      .select()
      .from(evidence)
      .where(sql`${evidence.subscriberId} = ${person.id}`);
    expect(rows.map((r) => r.data)).toEqual([
      { tokenKid: 'k_test', tokenPurpose: 'preferences', detail: { requestedBy: 'subscriber' } },
    ]);
    const kept = await dbh
      .select()
      .from(evidence)
      .where(sql`${evidence.subscriberId} = ${bystander.id}`);
    expect(kept.length).toBeGreaterThan(0);
  });

  it("deletes the links' visits of the erased person only", async () => {
    const dbh = await db();
    const visits = async (id: string) =>
      (await dbh.select().from(linkVisits).where(sql`${linkVisits.subscriberId} = ${id}`)).length;
    expect(await visits(person.id)).toBe(0);
    expect(await visits(bystander.id)).toBe(1);
  });

  it('deletes the rows of uploaded files that name the person, however they were typed', async () => {
    const rows = await (await db())
      .select({ row: importRows.row })
      .from(importRows)
      .innerJoin(
        imports,
        sql`${imports.id} = ${importRows.importId} and ${imports.workspaceId} = ${workspaceId}`,
      );
    expect(rows.map((r) => r.row)).toEqual([4]);
  });

  it('clears feedback comments but keeps the reason', async () => {
    const dbh = await db();
    const rows = await dbh
      .select()
      .from(feedback)
      .where(sql`${feedback.subscriberId} = ${person.id}`);
    expect(rows.map((r) => [r.reason, r.comment])).toEqual([['too_frequent', null]]);
  });

  it('cancels unsent mail to the subscriber, keeps others, and announces the erasure', async () => {
    const dbh = await db();
    const jobs = await dbh
      .select({ kind: outbox.kind, status: outbox.status, payload: outbox.payload })
      .from(outbox)
      .where(sql`${outbox.workspaceId} = ${workspaceId} and ${outbox.kind} <> 'consent.changed'`);
    const of = (id: string) => jobs.filter((j) => j.payload.subscriberId === id);
    expect(
      of(person.id)
        .map((j) => [j.kind, j.status])
        .sort(),
    ).toEqual([
      ['mail.optout_confirmation', 'dead'],
      ['subscriber.erased', 'pending'],
    ]);
    expect(of(person.id).find((j) => j.kind === 'subscriber.erased')?.payload).toEqual({
      subscriberId: person.id,
      changeId,
    });
    expect(of(bystander.id).map((j) => [j.kind, j.status])).toEqual([
      ['mail.optout_confirmation', 'pending'],
    ]);
  });

  it('deletes this workspace mailbox copies only', async () => {
    const dbh = await db();
    const copies = await dbh
      .select({ workspaceId: mailbox.workspaceId })
      .from(mailbox)
      .where(sql`${mailbox.to} = ${person.email}`);
    expect(copies).toEqual([{ workspaceId: otherWorkspaceId }]);
    const bystanderMail = await dbh
      .select({ id: mailbox.id })
      .from(mailbox)
      .where(sql`${mailbox.to} = ${bystander.email}`);
    expect(bystanderMail).toHaveLength(1);
  });

  it('puts keyed hashes of the email and the phone on the suppression list', async () => {
    const dbh = await db();
    const rows = await dbh
      .select()
      .from(suppressions)
      .where(sql`${suppressions.workspaceId} = ${workspaceId}`);
    expect(rows.map((r) => [r.channel, r.reason, r.keyVersion, r.addressHash]).sort()).toEqual(
      [
        ['email', 'erasure', 1, suppressionHash(workspaceId, person.email)],
        ['sms', 'erasure', 1, suppressionHash(workspaceId, person.phone)],
      ].sort(),
    );
    expect(await isSuppressed(workspaceId, { email: `  ${person.email.toUpperCase()} ` })).toBe(
      true,
    );
    expect(await isSuppressed(otherWorkspaceId, { email: person.email })).toBe(false);
    expect(suppressionHash(workspaceId, person.email)).not.toBe(
      suppressionHash(otherWorkspaceId, person.email),
    );
  });

  it('says no to every marketing category and channel, yes to transactional ones', async () => {
    for (const [category, channels] of MARKETING) {
      for (const channel of channels) {
        const answer = await check({
          workspaceId,
          subscriber: { id: person.id },
          category,
          channel,
        });
        expect(answer).toMatchObject({ allowed: false, reason: 'global_opt_out' });
      }
    }
    const receipt = await check({
      workspaceId,
      subscriber: { id: person.id },
      category: 'order-updates',
      channel: 'email',
    });
    expect(receipt).toMatchObject({ allowed: true, reason: 'transactional' });
  });

  it('refuses any opt-in for the erased record, from anyone', async () => {
    for (const source of ['preference_center', 'api', 'import', 'admin'] as const) {
      const r = await applyConsentFor({
        workspaceId,
        subscriberId: person.id,
        source,
        changes: [
          { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
        ],
      });
      expect(r.ok).toBe(false);
    }
  });

  it('erasing again changes nothing and succeeds', async () => {
    const before = await verifySubscriberChain(workspaceId, person.id);
    const again = await eraseSubscriber({
      workspaceId,
      subscriberId: person.id,
      requestedBy: 'api',
    });
    expect(again).toEqual({ erased: true, changeId: null });
    const after = await verifySubscriberChain(workspaceId, person.id);
    expect(after.events).toBe(before.events);
    expect(after.ok).toBe(true);
    const dbh = await db();
    const kept = await dbh
      .select()
      .from(evidence)
      .where(sql`${evidence.subscriberId} = ${person.id}`);
    expect(kept).toHaveLength(1);
  });

  it('the export of an erased subscriber holds the ledger and nothing personal', async () => {
    const data = await exportSubscriberData({ workspaceId, subscriberId: person.id });
    expect(data.subscriber).toMatchObject({ email: null, phone: null, externalId: null });
    expect(data.subscriber.erasedAt).toEqual(expect.any(String));
    expect(data.ledger.at(-1)?.type).toBe('erasure');
    expect(JSON.stringify(data)).not.toContain(person.ip);
  });

  it('refuses an unknown subscriber or one of another workspace, changing nothing', async () => {
    await expect(
      eraseSubscriber({ workspaceId, subscriberId: randomUUID(), requestedBy: 'api' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const foreign = await makeSubscriber(otherWorkspaceId);
    const error = await eraseSubscriber({
      workspaceId,
      subscriberId: foreign.id,
      requestedBy: 'api',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    const dbh = await db();
    const [row] = await dbh
      .select()
      .from(subscribers)
      .where(sql`${subscribers.id} = ${foreign.id}`);
    expect(row?.email).toBe(foreign.email);
    expect(row?.erasedAt).toBeNull();
  });

  describe('the address coming back', () => {
    it('an import of the same email (other case, spaces) creates a suppressed subscriber', async () => {
      const messy = `  ${person.email.toUpperCase()}\t`;
      const { subscriber, created } = await upsertSubscriber(workspaceId, { email: messy });
      expect(created).toBe(true);
      expect(subscriber.id).not.toBe(person.id);
      expect(subscriber.globalOptOuts).toEqual({ all: { own: true } });
      expect(
        await check({
          workspaceId,
          subscriber: { id: subscriber.id },
          category: 'promotions',
          channel: 'email',
        }),
      ).toMatchObject({ allowed: false, reason: 'global_opt_out' });
      for (const source of ['import', 'api', 'admin'] as const) {
        const r = await applyConsentFor({
          workspaceId,
          subscriberId: subscriber.id,
          source,
          changes: [
            {
              type: 'subscription',
              category: 'promotions',
              channel: 'email',
              status: 'subscribed',
            },
          ],
        });
        expect(r.ok ? [] : r.refusals.map((x) => x.reason)).toEqual(['own_opt_out']);
        const lift = await applyConsentFor({
          workspaceId,
          subscriberId: subscriber.id,
          source,
          changes: [{ type: 'global_opt_in', channel: 'all' }],
        });
        expect(lift.ok ? [] : lift.refusals.map((x) => x.reason)).toEqual(['own_opt_out']);
      }
      expect(
        await check({
          workspaceId,
          subscriber: { id: subscriber.id },
          category: 'promotions',
          channel: 'email',
        }),
      ).toMatchObject({ allowed: false, reason: 'global_opt_out' });
      // Rule 6: receipts still go to the new record.
      expect(
        await check({
          workspaceId,
          subscriber: { id: subscriber.id },
          category: 'order-updates',
          channel: 'email',
        }),
      ).toMatchObject({ allowed: true, reason: 'transactional' });
      expect((await verifySubscriberChain(workspaceId, subscriber.id)).ok).toBe(true);
    });

    it('an unconfirmed signup may be recorded as pending, and the check still says no', async () => {
      const input = subscriberUpsertSchema.parse({
        phone: `+1 (${person.phone.slice(2, 5)}) ${person.phone.slice(5, 8)}-${person.phone.slice(8)}`,
      });
      expect(input.phone).toBe(person.phone);
      const { subscriber, created } = await upsertSubscriber(workspaceId, input);
      expect(created).toBe(true);
      const pending = await applyConsentFor({
        workspaceId,
        subscriberId: subscriber.id,
        source: 'api',
        changes: [
          { type: 'subscription', category: 'promotions', channel: 'sms', status: 'pending' },
        ],
      });
      expect(pending.ok).toBe(true);
      expect(
        await check({
          workspaceId,
          subscriber: { id: subscriber.id },
          category: 'promotions',
          channel: 'sms',
        }),
      ).toMatchObject({ allowed: false, reason: 'global_opt_out', status: 'pending' });
      expect(
        await check({
          workspaceId,
          subscriber: { phone: person.phone },
          category: 'order-updates',
          channel: 'sms',
        }),
      ).toMatchObject({ allowed: true, reason: 'transactional' });
    });

    it('records why: an erasure-source opt-out with suppression evidence', async () => {
      const { subscriber } = await upsertSubscriber(workspaceId, { email: person.email });
      const data = await exportSubscriberData({ workspaceId, subscriberId: subscriber.id });
      expect(data.ledger.map((e) => [e.type, e.source, e.after])).toEqual([
        ['global_opt_out', 'erasure', { optedOut: true, own: true }],
      ]);
      expect(data.evidence.map((e) => e.detail)).toEqual([
        { suppressed: true, reasons: ['erasure'] },
      ]);
    });

    it('other addresses, and the same address in another workspace, are not suppressed', async () => {
      const fresh = await makeSubscriber(workspaceId);
      expect(fresh.globalOptOuts).toEqual({});
      const elsewhere = await upsertSubscriber(otherWorkspaceId, { phone: person.phone });
      expect(elsewhere.created).toBe(true);
      expect(elsewhere.subscriber.globalOptOuts).toEqual({});
    });
  });
});
