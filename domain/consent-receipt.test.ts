import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { insertNextConsentTextVersion } from '@/db/queries/consent-texts';
import type { AdminRole } from '@/db/schema';
import { createAdmin } from './admins';
import { auditLogPage } from './audit';
import { applyConsentFor } from './consent';
import {
  buildConsentReceipt,
  type ConsentReceipt,
  consentReceiptResponse,
  RECEIPT_AUDIT,
} from './consent-receipt';
import { upsertSubscriber } from './subscribers';
import { makeSubscriber, makeWorkspace } from './test-fixtures';

beforeAll(async () => {
  await db();
});
afterAll(() => closeDb());

async function member(workspaceSlug: string, role: AdminRole) {
  const email = `receipt-${randomUUID().slice(0, 8)}@example.com`;
  const { adminId } = await createAdmin({ email, workspaceSlug, role });
  return { adminId, email };
}

/** A person who signed up through a form showing consent text v2, then opted out of SMS. */
async function history() {
  const made = await makeWorkspace('receipt');
  const { workspaceId } = made;
  const { subscriber } = await upsertSubscriber(workspaceId, {
    email: `r-${randomUUID().slice(0, 6)}@example.com`,
    phone: '+14155550123',
    externalId: 'crm-7',
  });
  const dbh = await db();
  await insertNextConsentTextVersion(dbh, {
    workspaceId,
    key: 'signup',
    locale: 'en',
    body: 'Old wording.',
  });
  const v2 = await insertNextConsentTextVersion(dbh, {
    workspaceId,
    key: 'signup',
    locale: 'en',
    body: 'Yes, send me offers by email and SMS. Unsubscribe any time.',
  });
  await applyConsentFor({
    workspaceId,
    subscriberId: subscriber.id,
    source: 'embed_form',
    now: new Date('2026-02-01T09:00:00.000Z'),
    evidence: {
      ip: '203.0.113.5',
      userAgent: 'Mozilla/5.0 (iPhone)',
      origin: 'https://shop.example',
      consentTextId: v2.id,
      consentTextVersion: v2.version,
    },
    changes: [
      { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      { type: 'subscription', category: 'promotions', channel: 'sms', status: 'subscribed' },
    ],
  });
  await applyConsentFor({
    workspaceId,
    subscriberId: subscriber.id,
    source: 'sms_keyword',
    now: new Date('2026-02-10T09:00:00.000Z'),
    evidence: { keyword: 'STOP' },
    changes: [
      { type: 'subscription', category: 'promotions', channel: 'sms', status: 'unsubscribed' },
    ],
  });
  return { ...made, subscriber };
}

describe('the consent receipt', () => {
  it('holds the workspace, the identifiers, each subscription with the event, evidence and wording that established it, and the chain head', async () => {
    const { workspace, subscriber } = await history();
    const receipt = await buildConsentReceipt({
      workspaceId: workspace.id,
      subscriberId: subscriber.id,
      generatedBy: 'dpo@example.com',
      now: new Date('2026-03-01T00:00:00.000Z'),
    });
    expect(receipt).toMatchObject({
      format: 'dial-consent-receipt-v1',
      generatedAt: '2026-03-01T00:00:00.000Z',
      generatedBy: 'dpo@example.com',
      workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name },
      subscriber: {
        id: subscriber.id,
        email: subscriber.email,
        phone: '+14155550123',
        externalId: 'crm-7',
        erased: false,
      },
    });
    const email = receipt.subscriptions.find((s) => s.channel === 'email');
    expect(email).toMatchObject({
      category: 'promotions',
      status: 'subscribed',
      answer: 'yes',
      establishedBy: {
        seq: 1,
        source: 'embed_form',
        occurredAt: '2026-02-01T09:00:00.000Z',
        occurredAtWords: '1 Feb 2026, 09:00:00 UTC',
        evidence: expect.arrayContaining([
          ['IP address', '203.0.113.5'],
          ['Page the form was embedded in', 'https://shop.example'],
        ]),
        consentText: {
          key: 'signup',
          locale: 'en',
          version: 2,
          body: 'Yes, send me offers by email and SMS. Unsubscribe any time.',
        },
      },
    });
    const sms = receipt.subscriptions.find((s) => s.channel === 'sms');
    expect(sms).toMatchObject({
      status: 'unsubscribed',
      answer: 'no',
      establishedBy: { seq: 3, source: 'sms_keyword', evidence: [['SMS keyword', 'STOP']] },
    });
    expect(receipt.chain).toMatchObject({
      events: 3,
      headSeq: 3,
      verified: true,
      problems: [],
    });
    expect(receipt.chain.headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('says when the chain is broken', async () => {
    const { workspace, subscriber } = await history();
    const dbh = await db();
    await dbh.transaction(async (tx) => {
      await tx.execute(
        sql`alter table consent_events disable trigger consent_events_no_update_delete`,
      );
      await tx.execute(
        sql`update consent_events set source = 'import' where subscriber_id = ${subscriber.id} and seq = 1`,
      );
      await tx.execute(
        sql`alter table consent_events enable trigger consent_events_no_update_delete`,
      );
    });
    const receipt = await buildConsentReceipt({
      workspaceId: workspace.id,
      subscriberId: subscriber.id,
      generatedBy: 'x',
    });
    expect(receipt.chain.verified).toBe(false);
    expect(receipt.chain.problems).toEqual(['event #1: hash does not match its content']);
  });

  it('downloads as a JSON attachment for any member, viewers too, and records the export', async () => {
    const { workspace, subscriber } = await history();
    const viewer = await member(workspace.slug, 'viewer');
    const response = await consentReceiptResponse({
      session: { adminId: viewer.adminId },
      workspaceSlug: workspace.slug,
      subscriberId: subscriber.id,
      ip: '192.0.2.44',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('content-disposition')).toMatch(
      new RegExp(
        `^attachment; filename="consent-receipt-${subscriber.id}-\\d{4}-\\d{2}-\\d{2}\\.json"$`,
      ),
    );
    const body = (await response.json()) as ConsentReceipt;
    expect(body.subscriber.id).toBe(subscriber.id);
    expect(body.generatedBy).toBe(viewer.email);
    const [entry] = (await auditLogPage({ workspaceId: workspace.id })).entries;
    expect(entry).toMatchObject({
      action: RECEIPT_AUDIT.download,
      target: subscriber.id,
      adminEmail: viewer.email,
      detail: { headSeq: 3, verified: true },
      ip: '192.0.2.44',
    });
  });

  it('answers 401 without a session and 404 for another workspace or its subscriber, recording nothing', async () => {
    const { workspace, subscriber } = await history();
    const other = await makeWorkspace('receipt-other');
    const outsider = await member(other.workspace.slug, 'owner');
    const stranger = await makeSubscriber(other.workspaceId);
    const owner = await member(workspace.slug, 'owner');

    const anonymous = await consentReceiptResponse({
      session: null,
      workspaceSlug: workspace.slug,
      subscriberId: subscriber.id,
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    expect(anonymous.headers.get('content-disposition')).toBeNull();

    // An owner of another workspace asks for this workspace's person.
    const foreign = await consentReceiptResponse({
      session: { adminId: outsider.adminId },
      workspaceSlug: workspace.slug,
      subscriberId: subscriber.id,
    });
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).not.toContain(subscriber.email ?? '@');
    // This workspace's owner asks for another workspace's person through their own workspace.
    const smuggled = await consentReceiptResponse({
      session: { adminId: owner.adminId },
      workspaceSlug: workspace.slug,
      subscriberId: stranger.id,
    });
    expect(smuggled.status).toBe(404);
    expect(await smuggled.json()).toMatchObject({
      type: 'urn:dial:problem:not-found',
      status: 404,
    });
    const garbage = await consentReceiptResponse({
      session: { adminId: owner.adminId },
      workspaceSlug: workspace.slug,
      subscriberId: 'nope',
    });
    expect(garbage.status).toBe(404);

    const receipts = async (workspaceId: string) =>
      (await auditLogPage({ workspaceId })).entries.filter((e) =>
        e.action.startsWith('subscriber.'),
      );
    expect(await receipts(workspace.id)).toEqual([]);
    expect(await receipts(other.workspaceId)).toEqual([]);
  });
});
