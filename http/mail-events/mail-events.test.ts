import { execFileSync } from 'node:child_process';
import { createSign, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db, queryRows } from '@/db/client';
import { loadEvents, loadEvidence } from '@/db/queries/consent';
import { listEvents } from '@/db/queries/subscribers';
import { createApiKey } from '@/domain/api-keys';
import { check } from '@/domain/check';
import { applyConsentFor } from '@/domain/consent';
import { configureMailEvents } from '@/domain/mail-events';
import { upsertSubscriber } from '@/domain/subscribers';
import { suppressionHash } from '@/domain/suppression';
import { makeSubscriber, makeWorkspace } from '@/domain/test-fixtures';
import { getSuppressions } from '@/http/v1/suppressions';
import { postmarkEventsHandler } from './postmark';
import { sendgridEventsHandler } from './sendgrid';
import { sesEventsHandler } from './ses';

/**
 * Bounces and complaints from SES (through SNS), SendGrid and Postmark, each verified the way
 * that service signs: documented sample payloads suppress, forgeries change nothing, soft
 * bounces change nothing, repeats change once, and one workspace's credentials do nothing in
 * another.
 */

const BASE = 'http://dial.test/api/mail-events';

type Tenant = {
  slug: string;
  workspaceId: string;
  topicArn: string;
  sendgridKey: KeyObject;
  postmark: string;
  readKey: string;
};

let a: Tenant;
let b: Tenant;
let unconfigured: { slug: string };
let tmp: string;
let snsKey: KeyObject;
let snsCertPem: string;
let otherKey: KeyObject;
const certFetches: string[] = [];
const confirmations: string[] = [];

const ses = sesEventsHandler({
  fetchCertificate: async (url) => {
    certFetches.push(url.href);
    return snsCertPem;
  },
  confirm: async (url) => {
    confirmations.push(url.href);
  },
});
const sendgrid = sendgridEventsHandler();
const postmark = postmarkEventsHandler();

async function tenant(prefix: string): Promise<Tenant> {
  const { workspace, workspaceId } = await makeWorkspace(prefix);
  const topicArn = `arn:aws:sns:us-east-1:123456789012:ses-${workspace.slug}`;
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const postmarkAuth = `hooks-${prefix}:${randomUUID()}`;
  await configureMailEvents(workspace.slug, {
    sesTopicArn: topicArn,
    // As SendGrid shows it: base64 of the DER public key, no PEM armour.
    sendgridPublicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    postmarkBasicAuth: postmarkAuth,
  });
  const readKey = (await createApiKey({ workspaceId, scope: 'read' })).key;
  return {
    slug: workspace.slug,
    workspaceId,
    topicArn,
    sendgridKey: privateKey,
    postmark: postmarkAuth,
    readKey,
  };
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'dial-sns-'));
  // SNS's signing certificate, stood in for by a self-signed one of our own key.
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  snsKey = pair.privateKey;
  writeFileSync(path.join(tmp, 'key.pem'), snsKey.export({ format: 'pem', type: 'pkcs8' }));
  execFileSync('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    path.join(tmp, 'key.pem'),
    '-out',
    path.join(tmp, 'cert.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=sns.amazonaws.com',
  ]);
  snsCertPem = readFileSync(path.join(tmp, 'cert.pem'), 'utf8');
  otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  a = await tenant('mail-a');
  b = await tenant('mail-b');
  unconfigured = { slug: (await makeWorkspace('mail-none')).workspace.slug };
}, 120_000);
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await closeDb();
});

// --- SES through SNS ------------------------------------------------------------------------

const CERT_URL =
  'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem';

/** AWS's sample SES bounce notification (docs: "Amazon SNS notification examples"). */
function sesBounce(recipient: string, bounceType = 'Permanent', bounceSubType = 'General') {
  return {
    notificationType: 'Bounce',
    bounce: {
      feedbackId: '000001378603176d-5a4b5ad9-6f30-4198-a8c3-b1eb0c270a1d-000000',
      bounceType,
      bounceSubType,
      bouncedRecipients: [
        {
          emailAddress: recipient,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
      ],
      timestamp: '2016-01-27T14:59:38.237Z',
      remoteMtaIp: '127.0.2.0',
      reportingMTA: 'dsn; a8-70.smtp-out.amazonses.com',
    },
    mail: {
      timestamp: '2016-01-27T14:59:38.237Z',
      source: 'john@example.com',
      sourceArn: 'arn:aws:ses:us-east-1:888888888888:identity/example.com',
      sourceIp: '127.0.3.0',
      sendingAccountId: '123456789012',
      callerIdentity: 'IAM_user_or_role_name',
      messageId: '00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000',
      destination: [recipient],
      headersTruncated: false,
      commonHeaders: { from: ['John Doe <john@example.com>'], subject: 'Hello' },
    },
  };
}

/** AWS's sample SES complaint notification. */
function sesComplaint(recipient: string) {
  return {
    notificationType: 'Complaint',
    complaint: {
      userAgent: 'AnyCompany Feedback Loop (V0.01)',
      complainedRecipients: [{ emailAddress: recipient }],
      complaintFeedbackType: 'abuse',
      arrivalDate: '2016-01-27T14:59:38.237Z',
      timestamp: '2016-01-27T14:59:38.237Z',
      feedbackId: '000001378603177f-18c07c78-fa81-4a58-9dd1-fedc3cb8f49a-000000',
    },
    mail: {
      timestamp: '2016-01-27T14:59:38.237Z',
      messageId: '000001378603177f-7a5433e7-8edb-42ae-af10-f0181f34d6ee-000000',
      source: 'john@example.com',
      destination: [recipient],
    },
  };
}

type Sns = Record<string, string>;

/** An SNS envelope around `message`, signed as SNS signs (the canonical text, RSA). */
function snsEnvelope(
  message: unknown,
  opts: { topicArn?: string; version?: '1' | '2'; certUrl?: string; key?: KeyObject } = {},
): Sns {
  const envelope: Sns = {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: opts.topicArn ?? a.topicArn,
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    Timestamp: new Date().toISOString(),
    SignatureVersion: opts.version ?? '2',
    SigningCertURL: opts.certUrl ?? CERT_URL,
    UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${opts.topicArn ?? a.topicArn}:c9135db0`,
  };
  return signSns(envelope, opts.key);
}

function signSns(envelope: Sns, key: KeyObject = snsKey): Sns {
  const keys =
    envelope.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const text = keys
    .filter((k) => envelope[k] !== undefined)
    .map((k) => `${k}\n${envelope[k]}\n`)
    .join('');
  const signer = createSign(envelope.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  signer.update(text);
  return { ...envelope, Signature: signer.sign(key, 'base64') };
}

function postSes(slug: string, envelope: Sns) {
  return ses(
    new Request(`${BASE}/ses/${slug}`, {
      method: 'POST',
      // SNS posts JSON as text/plain.
      headers: {
        'content-type': 'text/plain; charset=UTF-8',
        'x-amz-sns-message-type': envelope.Type ?? '',
      },
      body: JSON.stringify(envelope),
    }),
  );
}

// --- SendGrid -------------------------------------------------------------------------------

/** SendGrid's documented event shapes (Event Webhook reference). */
function sendgridEvent(event: string, email: string, extra: Record<string, unknown> = {}) {
  return {
    email,
    timestamp: 1513299569,
    'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>',
    event,
    category: 'cat facts',
    sg_event_id: randomUUID(),
    sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0',
    ...extra,
  };
}

function sendgridBounce(email: string, type = 'bounce') {
  return sendgridEvent('bounce', email, {
    reason: '500 unknown recipient',
    status: '5.0.0',
    type,
    bounce_classification: 'Invalid Address',
  });
}

function postSendgrid(
  slug: string,
  events: unknown[],
  opts: {
    key?: KeyObject;
    timestamp?: number;
    tamper?: (body: string) => string;
    raw?: string;
  } = {},
) {
  const body = opts.raw ?? JSON.stringify(events);
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const signer = createSign('sha256');
  signer.update(timestamp + body);
  const signature = signer.sign(opts.key ?? a.sendgridKey, 'base64');
  return sendgrid(
    new Request(`${BASE}/sendgrid/${slug}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-Twilio-Email-Event-Webhook-Signature': signature,
        'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
      },
      body: opts.tamper ? opts.tamper(body) : body,
    }),
  );
}

// --- Postmark -------------------------------------------------------------------------------

/** Postmark's sample bounce webhook payload. */
function postmarkBounce(email: string, type = 'HardBounce', typeCode = 1) {
  return {
    RecordType: 'Bounce',
    MessageStream: 'outbound',
    ID: Math.floor(Math.random() * 1e15),
    Type: type,
    TypeCode: typeCode,
    Name: type === 'HardBounce' ? 'Hard bounce' : 'Soft bounce',
    Tag: 'Test',
    MessageID: randomUUID(),
    Metadata: { a_key: 'a_value' },
    ServerID: 23,
    Description:
      'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
    Details: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.',
    Email: email,
    From: 'sender@example.com',
    BouncedAt: '2019-11-05T16:33:54.9070259Z',
    DumpAvailable: true,
    Inactive: true,
    CanActivate: true,
    Subject: 'Test subject',
    Content: '<Full dump of bounce>',
  };
}

/** Postmark's sample spam complaint webhook payload. */
function postmarkComplaint(email: string) {
  return {
    RecordType: 'SpamComplaint',
    MessageStream: 'outbound',
    ID: Math.floor(Math.random() * 1e15),
    Type: 'SpamComplaint',
    TypeCode: 512,
    Name: 'Spam complaint',
    Tag: 'Test',
    MessageID: randomUUID(),
    Metadata: { a_key: 'a_value' },
    ServerID: 1234,
    Description: '',
    Details: 'Test spam complaint details',
    Email: email,
    From: 'sender@example.com',
    BouncedAt: '2019-11-05T16:33:54.9070259Z',
    DumpAvailable: true,
    Inactive: true,
    CanActivate: false,
    Subject: 'Test subject',
    Content: '<Abuse report dump>',
  };
}

function postPostmark(slug: string, payload: unknown, credentials: string | null = a.postmark) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (credentials) headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  return postmark(
    new Request(`${BASE}/postmark/${slug}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(payload),
    }),
  );
}

// --- What the tests look at ----------------------------------------------------------------

function marketingCheck(t: Tenant, email: string, category = 'promotions') {
  return check({ workspaceId: t.workspaceId, subscriber: { email }, category, channel: 'email' });
}

async function exportEmail(t: Tenant) {
  const res = await getSuppressions(
    new Request('http://dial.test/api/v1/suppressions?channel=email&format=ndjson', {
      headers: { authorization: `Bearer ${t.readKey}` },
    }),
  );
  expect(res.status).toBe(200);
  return (await res.text())
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Everything a mail event could write in the workspace, counted. */
async function footprint(workspaceId: string) {
  const [row] = await queryRows<{ events: number; suppressions: number; keys: number }>(
    await db(),
    sql`select
      (select count(*)::int from consent_events where workspace_id = ${workspaceId}) as events,
      (select count(*)::int from suppressions where workspace_id = ${workspaceId}) as suppressions,
      (select count(*)::int from idempotency_keys where workspace_id = ${workspaceId}) as keys`,
  );
  return row;
}

/**
 * The effect every suppressing event must have: marketing on email refused with
 * `global_opt_out`; the ledger's email global opt-out with the source and the provider's
 * evidence; the export listing the subscriber and the address's hash with its reason.
 */
async function expectSuppressed(
  t: Tenant,
  subscriber: { id: string; email: string | null },
  source: 'bounce' | 'complaint',
  evidence: Record<string, unknown>,
) {
  const email = subscriber.email as string;
  expect(await marketingCheck(t, email)).toMatchObject({
    allowed: false,
    reason: 'global_opt_out',
  });
  expect(await marketingCheck(t, email, 'product-news')).toMatchObject({ allowed: false });
  const events = await loadEvents(await db(), t.workspaceId, [subscriber.id]);
  const optOut = events.find((e) => e.type === 'global_opt_out' && e.source === source);
  expect(optOut).toMatchObject({
    channel: 'email',
    after: { optedOut: true, own: source === 'complaint' },
  });
  const stored = await loadEvidence(await db(), t.workspaceId, [subscriber.id]);
  const detail = stored.find((e) => e.id === optOut?.evidenceId)?.data.detail;
  expect(detail).toMatchObject(evidence);
  // No raw payload: only the named fields.
  expect(JSON.stringify(detail)).not.toMatch(/dump|commonHeaders|Test subject/i);
  const listed = await exportEmail(t);
  expect(listed).toContainEqual(
    expect.objectContaining({
      subscriberId: subscriber.id,
      address: email,
      reason: 'global_opt_out',
    }),
  );
  expect(listed).toContainEqual(
    expect.objectContaining({
      addressHash: suppressionHash(t.workspaceId, email),
      reason: source === 'bounce' ? 'hard_bounce' : 'complaint',
    }),
  );
}

async function subscribed(t: Tenant, email?: string) {
  const subscriber = await makeSubscriber(t.workspaceId, email);
  const result = await applyConsentFor({
    workspaceId: t.workspaceId,
    subscriberId: subscriber.id,
    source: 'api',
    changes: [
      { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      { type: 'subscription', category: 'product-news', channel: 'email', status: 'subscribed' },
    ],
  });
  expect(result.ok).toBe(true);
  expect(await marketingCheck(t, subscriber.email as string)).toMatchObject({ allowed: true });
  return subscriber;
}

// --- Tests ----------------------------------------------------------------------------------

describe('Amazon SES through SNS', () => {
  it('a documented Permanent bounce suppresses the address, as SignatureVersion 2 and 1', async () => {
    for (const version of ['2', '1'] as const) {
      const person = await subscribed(a);
      const res = await postSes(
        a.slug,
        snsEnvelope(sesBounce(person.email as string), { version }),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ received: 1, applied: 1, changed: 1 });
      await expectSuppressed(a, person, 'bounce', {
        service: 'ses',
        event: 'hard_bounce',
        eventType: 'Bounce',
        subtype: 'Permanent/General',
        diagnostic: 'smtp; 550 5.1.1 user unknown',
        providerMessageId: '00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000',
        occurredAt: '2016-01-27T14:59:38.237Z',
      });
    }
    expect(certFetches.every((u) => u === CERT_URL)).toBe(true);
  });

  it("a hard bounce leaves transactional mail allowed, and the API may lift it (not the person's own)", async () => {
    const person = await subscribed(a);
    expect((await postSes(a.slug, snsEnvelope(sesBounce(person.email as string)))).status).toBe(
      200,
    );
    expect(await marketingCheck(a, person.email as string, 'order-updates')).toMatchObject({
      allowed: true,
      reason: 'transactional',
    });
    const lifted = await applyConsentFor({
      workspaceId: a.workspaceId,
      subscriberId: person.id,
      source: 'api',
      changes: [{ type: 'global_opt_in', channel: 'email' }],
    });
    expect(lifted.ok).toBe(true);
  });

  it("a documented complaint suppresses the address as the person's own opt-out", async () => {
    const person = await subscribed(a);
    const res = await postSes(a.slug, snsEnvelope(sesComplaint(person.email as string)));
    expect(res.status).toBe(200);
    await expectSuppressed(a, person, 'complaint', {
      service: 'ses',
      event: 'complaint',
      eventType: 'Complaint',
      subtype: 'abuse',
      providerMessageId: '000001378603177f-7a5433e7-8edb-42ae-af10-f0181f34d6ee-000000',
    });
    const api = await applyConsentFor({
      workspaceId: a.workspaceId,
      subscriberId: person.id,
      source: 'api',
      changes: [{ type: 'global_opt_in', channel: 'email' }],
    });
    expect(api).toMatchObject({ ok: false, refusals: [{ reason: 'own_opt_out' }] });
  });

  it('a soft bounce, a delivery and an unparseable message are acknowledged and change nothing', async () => {
    const person = await subscribed(a);
    const email = person.email as string;
    const before = await footprint(a.workspaceId);
    for (const message of [
      sesBounce(email, 'Transient', 'MailboxFull'),
      sesBounce(email, 'Undetermined', 'Undetermined'),
      { notificationType: 'Delivery', mail: { messageId: 'x' }, delivery: { recipients: [email] } },
      'not json',
    ]) {
      const res = await postSes(a.slug, snsEnvelope(message));
      expect(res.status).toBe(200);
    }
    expect(await footprint(a.workspaceId)).toEqual(before);
    expect(await marketingCheck(a, email)).toMatchObject({ allowed: true });
  });

  it('the same notification twice gives one change, even after the bounce was lifted', async () => {
    const person = await subscribed(a);
    const envelope = snsEnvelope(sesBounce(person.email as string));
    expect(await (await postSes(a.slug, envelope)).json()).toMatchObject({ changed: 1 });
    await applyConsentFor({
      workspaceId: a.workspaceId,
      subscriberId: person.id,
      source: 'api',
      changes: [{ type: 'global_opt_in', channel: 'email' }],
    });
    const before = await footprint(a.workspaceId);
    const again = await postSes(a.slug, envelope);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({
      received: 1,
      applied: 0,
      duplicates: 1,
      changed: 0,
    });
    expect(await footprint(a.workspaceId)).toEqual(before);
    expect(await marketingCheck(a, person.email as string)).toMatchObject({ allowed: true });
  });

  it('forged notifications are refused and change nothing', async () => {
    const person = await subscribed(a);
    const email = person.email as string;
    const before = await footprint(a.workspaceId);
    const fetchesBefore = certFetches.length;
    const tampered = { ...snsEnvelope(sesBounce('someone@example.com')) };
    tampered.Message = JSON.stringify(sesBounce(email));
    const refusals: [string, Sns, number][] = [
      ['tampered message', tampered, 403],
      ['signed with another key', snsEnvelope(sesBounce(email), { key: otherKey }), 403],
      ['another topic', snsEnvelope(sesBounce(email), { topicArn: b.topicArn }), 403],
      [
        'http cert URL',
        snsEnvelope(sesBounce(email), { certUrl: CERT_URL.replace('https', 'http') }),
        403,
      ],
      [
        'cert on another host',
        snsEnvelope(sesBounce(email), { certUrl: 'https://evil.example/cert.pem' }),
        403,
      ],
      [
        'cert on a look-alike host',
        snsEnvelope(sesBounce(email), {
          certUrl: 'https://sns.us-east-1.amazonaws.com.evil.example/cert.pem',
        }),
        403,
      ],
      [
        'cert on another amazonaws host',
        snsEnvelope(sesBounce(email), { certUrl: 'https://s3.amazonaws.com/bucket/cert.pem' }),
        403,
      ],
      ['no signature', { ...snsEnvelope(sesBounce(email)), Signature: '' }, 400],
    ];
    for (const [name, envelope, status] of refusals) {
      const res = await postSes(a.slug, envelope);
      expect(res.status, name).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    const garbage = await ses(
      new Request(`${BASE}/ses/${a.slug}`, { method: 'POST', body: '{"Type":' }),
    );
    expect(garbage.status).toBe(400);
    // Only the signature checks fetched a certificate, and only from SNS.
    expect(certFetches.slice(fetchesBefore).every((u) => u === CERT_URL)).toBe(true);
    expect(await footprint(a.workspaceId)).toEqual(before);
    expect(await marketingCheck(a, email)).toMatchObject({ allowed: true });
  });

  it('confirms a subscription to its topic only through an SNS SubscribeURL', async () => {
    const confirmation = (subscribeUrl: string, topicArn = a.topicArn) =>
      signSns({
        Type: 'SubscriptionConfirmation',
        MessageId: randomUUID(),
        Token:
          '2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736',
        TopicArn: topicArn,
        Message: `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
        SubscribeURL: subscribeUrl,
        Timestamp: new Date().toISOString(),
        SignatureVersion: '1',
        SigningCertURL: CERT_URL,
      });
    const good = `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${a.topicArn}&Token=2336412f37`;
    const res = await postSes(a.slug, confirmation(good));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ confirmed: true });
    expect(confirmations).toEqual([good]);
    for (const bad of [
      'https://evil.example/?Action=ConfirmSubscription',
      good.replace('https', 'http'),
    ]) {
      expect((await postSes(a.slug, confirmation(bad))).status).toBe(403);
    }
    // Another workspace's topic is not confirmed here.
    expect((await postSes(a.slug, confirmation(good, b.topicArn))).status).toBe(403);
    expect(confirmations).toEqual([good]);
  });
});

describe('SendGrid Event Webhook', () => {
  it('documented bounce and spamreport events suppress; blocked, dropped and the rest do not', async () => {
    const bounced = await subscribed(a);
    const complained = await subscribed(a);
    const untouched = await subscribed(a);
    const u = untouched.email as string;
    const res = await postSendgrid(a.slug, [
      sendgridEvent('processed', u),
      sendgridEvent('delivered', u, { response: '250 OK' }),
      sendgridEvent('open', u),
      sendgridEvent('deferred', u, { response: '400 try again later', attempt: '5' }),
      sendgridEvent('dropped', u, { reason: 'Bounced Address', status: '5.0.0' }),
      sendgridBounce(u, 'blocked'),
      sendgridBounce(bounced.email as string),
      sendgridEvent('spamreport', complained.email as string),
    ]);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: 2, applied: 2, changed: 2 });
    await expectSuppressed(a, bounced, 'bounce', {
      service: 'sendgrid',
      eventType: 'bounce',
      subtype: 'bounce/Invalid Address',
      diagnostic: '500 unknown recipient',
      providerMessageId: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0',
      occurredAt: '2017-12-15T00:59:29.000Z',
    });
    await expectSuppressed(a, complained, 'complaint', {
      service: 'sendgrid',
      eventType: 'spamreport',
    });
    expect(await marketingCheck(a, u)).toMatchObject({ allowed: true });
  });

  it('the same event twice gives one change', async () => {
    const person = await subscribed(a);
    const events = [sendgridBounce(person.email as string)];
    expect(await (await postSendgrid(a.slug, events)).json()).toMatchObject({ changed: 1 });
    const before = await footprint(a.workspaceId);
    expect(await (await postSendgrid(a.slug, events)).json()).toMatchObject({
      duplicates: 1,
      changed: 0,
    });
    expect(await footprint(a.workspaceId)).toEqual(before);
  });

  it('forged, tampered, stale or unsigned deliveries are refused and change nothing', async () => {
    const person = await subscribed(a);
    const email = person.email as string;
    const events = [sendgridBounce(email)];
    const before = await footprint(a.workspaceId);
    const now = Math.floor(Date.now() / 1000);
    const refused = [
      await postSendgrid(a.slug, events, { key: b.sendgridKey }),
      await postSendgrid(a.slug, events, {
        tamper: (body) => body.replace('"bounce"', '"spamreport"'),
      }),
      await postSendgrid(a.slug, events, { timestamp: now - 11 * 60 }),
      await postSendgrid(a.slug, events, { timestamp: now + 11 * 60 }),
      await sendgrid(
        new Request(`${BASE}/sendgrid/${a.slug}`, { method: 'POST', body: JSON.stringify(events) }),
      ),
    ];
    for (const res of refused) expect(res.status).toBe(403);
    expect(await footprint(a.workspaceId)).toEqual(before);
    expect(await marketingCheck(a, email)).toMatchObject({ allowed: true });
    // Signed but not a JSON array: a clear 400, nothing written.
    expect((await postSendgrid(a.slug, [], { raw: 'not json' })).status).toBe(400);
    expect((await postSendgrid(a.slug, [], { raw: '{"event":"bounce"}' })).status).toBe(400);
    expect(await footprint(a.workspaceId)).toEqual(before);
  });

  it('a soft bounce (deferred) changes nothing', async () => {
    const person = await subscribed(a);
    const before = await footprint(a.workspaceId);
    const res = await postSendgrid(a.slug, [
      sendgridEvent('deferred', person.email as string, { response: '452 mailbox full' }),
    ]);
    expect(res.status).toBe(200);
    expect(await footprint(a.workspaceId)).toEqual(before);
  });
});

describe('Postmark webhooks', () => {
  it('a documented HardBounce and a SpamComplaint suppress the address', async () => {
    const bounced = await subscribed(a);
    const res = await postPostmark(a.slug, postmarkBounce(bounced.email as string));
    expect(res.status).toBe(200);
    await expectSuppressed(a, bounced, 'bounce', {
      service: 'postmark',
      eventType: 'Bounce',
      subtype: 'HardBounce',
      diagnostic: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.',
      occurredAt: '2019-11-05T16:33:54.9070259Z',
    });
    const complained = await subscribed(a);
    expect((await postPostmark(a.slug, postmarkComplaint(complained.email as string))).status).toBe(
      200,
    );
    await expectSuppressed(a, complained, 'complaint', {
      service: 'postmark',
      eventType: 'SpamComplaint',
    });
  });

  it('a soft bounce, a transient one and a delivery change nothing', async () => {
    const person = await subscribed(a);
    const email = person.email as string;
    const before = await footprint(a.workspaceId);
    for (const payload of [
      postmarkBounce(email, 'SoftBounce', 4096),
      postmarkBounce(email, 'Transient', 2),
      { RecordType: 'Delivery', MessageID: randomUUID(), Recipient: email, Details: '250 OK' },
    ]) {
      expect((await postPostmark(a.slug, payload)).status).toBe(200);
    }
    expect(await footprint(a.workspaceId)).toEqual(before);
    expect(await marketingCheck(a, email)).toMatchObject({ allowed: true });
  });

  it('the same webhook twice gives one change', async () => {
    const person = await subscribed(a);
    const payload = postmarkBounce(person.email as string);
    expect(await (await postPostmark(a.slug, payload)).json()).toMatchObject({ changed: 1 });
    const before = await footprint(a.workspaceId);
    expect(await (await postPostmark(a.slug, payload)).json()).toMatchObject({ duplicates: 1 });
    expect(await footprint(a.workspaceId)).toEqual(before);
  });

  it('missing or wrong credentials are refused and change nothing', async () => {
    const person = await subscribed(a);
    const payload = postmarkBounce(person.email as string);
    const before = await footprint(a.workspaceId);
    const user = a.postmark.split(':')[0];
    const missing = await postPostmark(a.slug, payload, null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await postPostmark(a.slug, payload, `${user}:wrong-password-123456`)).status).toBe(403);
    expect(
      (await postPostmark(a.slug, payload, `someone:${a.postmark.split(':')[1]}`)).status,
    ).toBe(403);
    expect(await footprint(a.workspaceId)).toEqual(before);
    expect(await marketingCheck(a, person.email as string)).toMatchObject({ allowed: true });
  });
});

describe('tenants and configuration', () => {
  it("one workspace's credentials and topics do nothing in another", async () => {
    const inB = await subscribed(b, `shared-${randomUUID().slice(0, 8)}@example.com`);
    const email = inB.email as string;
    const before = await footprint(b.workspaceId);
    // Each signed or authenticated for workspace a, sent to b's endpoints.
    expect(
      (await postSes(b.slug, snsEnvelope(sesBounce(email), { topicArn: a.topicArn }))).status,
    ).toBe(403);
    expect(
      (await postSendgrid(b.slug, [sendgridBounce(email)], { key: a.sendgridKey })).status,
    ).toBe(403);
    expect((await postPostmark(b.slug, postmarkBounce(email), a.postmark)).status).toBe(403);
    expect(await footprint(b.workspaceId)).toEqual(before);
    expect(await marketingCheck(b, email)).toMatchObject({ allowed: true });
    // And b's own events suppress in b only.
    const aTwin = await subscribed(a, email);
    expect((await postPostmark(b.slug, postmarkBounce(email), b.postmark)).status).toBe(200);
    expect(await marketingCheck(b, email)).toMatchObject({ allowed: false });
    expect(await marketingCheck(a, aTwin.email as string)).toMatchObject({ allowed: true });
  });

  it('an unknown workspace answers 404, one not configured for the service 403', async () => {
    expect(
      (await postSes('no-such-workspace', snsEnvelope(sesBounce('x@example.com')))).status,
    ).toBe(404);
    expect((await postSes(unconfigured.slug, snsEnvelope(sesBounce('x@example.com')))).status).toBe(
      403,
    );
    expect((await postSendgrid(unconfigured.slug, [sendgridBounce('x@example.com')])).status).toBe(
      403,
    );
    expect((await postPostmark(unconfigured.slug, postmarkBounce('x@example.com'))).status).toBe(
      403,
    );
  });

  it('an address Dial has no subscriber for is listed by its hash, and an import of it stays suppressed', async () => {
    const email = `Unknown-${randomUUID().slice(0, 8)}@Example.com`;
    const res = await postPostmark(a.slug, postmarkBounce(`"Someone" <${email}>`));
    expect(await res.json()).toMatchObject({ applied: 1, changed: 0 });
    const normalised = email.toLowerCase();
    expect(await exportEmail(a)).toContainEqual(
      expect.objectContaining({
        addressHash: suppressionHash(a.workspaceId, normalised),
        reason: 'hard_bounce',
      }),
    );
    const { subscriber } = await upsertSubscriber(a.workspaceId, {
      email: normalised,
      phone: '+15005550199',
    });
    // Email only, with the source the mail service's report gives: the phone is untouched.
    expect(subscriber.globalOptOuts).toEqual({ email: { own: false } });
    expect(await marketingCheck(a, normalised)).toMatchObject({ allowed: false });
    const [event] = await listEvents(await db(), {
      workspaceId: a.workspaceId,
      subscriberId: subscriber.id,
      afterSeq: 0,
      limit: 10,
    });
    expect(event).toMatchObject({ source: 'bounce', channel: 'email' });
  });
});
