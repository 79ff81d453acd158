import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { findJob, insertJobs } from '@/db/queries/outbox';
import { updateWorkspace } from '@/db/queries/workspaces';
import { mailbox, type WorkspaceSettings } from '@/db/schema';
import { config, resetConfig } from '@/platform/config';
import { applyConsentFor } from './consent';
import { findDevMailById, resetMailTransport, sendMail } from './mail';
import {
  OPT_OUT_CONFIRMATION,
  PREFERENCES_LINK,
  registerMailJobs,
  sendOptOutConfirmation,
} from './mail-jobs';
import { runOutboxOnce } from './outbox';
import { verifyLink } from './signing-keys';
import { upsertSubscriber } from './subscribers';
import { makeSubscriber, makeWorkspace } from './test-fixtures';

/**
 * End to end through the outbox: an opt-out, its confirmation job, and the mail as it leaves
 * Dial, through a real SMTP server or into the dev mailbox.
 */

const saved = { smtp: process.env.SMTP_URL, secret: process.env.DIAL_SECRET };
let smtp: SMTPServer;
let smtpUrl: string;
const received: { to: string[]; raw: string }[] = [];

function useEnv(values: { SMTP_URL?: string }) {
  if (values.SMTP_URL === undefined) delete process.env.SMTP_URL;
  else process.env.SMTP_URL = values.SMTP_URL;
  resetConfig();
  resetMailTransport();
}

beforeAll(async () => {
  // The embedded test database draws a new secret on every configuration reset; pin the current
  // one so links issued before a reset still verify after it.
  process.env.DIAL_SECRET ??= config().secret;
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  registerMailJobs();
  registerMailJobs(); // twice: harmless
});

afterEach(() => useEnv({ SMTP_URL: saved.smtp }));

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  if (saved.secret === undefined) delete process.env.DIAL_SECRET;
  useEnv({ SMTP_URL: saved.smtp });
  await closeDb();
});

async function workspaceWith(settings: WorkspaceSettings) {
  const made = await makeWorkspace('mail');
  const dbh = await db();
  const workspace = await updateWorkspace(dbh, made.workspaceId, {
    settings: { ...made.workspace.settings, ...settings },
  });
  if (!workspace) throw new Error('workspace vanished');
  return { ...made, workspace };
}

/** Subscribes, then opts out through the unsubscribe page: the change a confirmation is for. */
async function optedOut(workspaceId: string, subscriberId: string) {
  const change = {
    type: 'subscription',
    category: 'promotions',
    channel: 'email',
  } as const;
  const subscribed = await applyConsentFor({
    workspaceId,
    subscriberId,
    source: 'api',
    changes: [{ ...change, status: 'subscribed' }],
  });
  expect(subscribed.ok).toBe(true);
  const result = await applyConsentFor({
    workspaceId,
    subscriberId,
    source: 'unsubscribe_page',
    changes: [{ ...change, status: 'unsubscribed' }],
  });
  if (!result.ok || !result.changeId) throw new Error('the opt-out changed nothing');
  return result.changeId;
}

async function enqueue(workspaceId: string, kind: string, payload: Record<string, unknown>) {
  const [job] = await insertJobs(await db(), [{ workspaceId, kind, payload }]);
  if (!job) throw new Error('no job');
  return job.id;
}

/** Runs the worker until this job is finished (other files' jobs may share the database). */
async function runUntilDone(jobId: string) {
  const dbh = await db();
  for (let i = 0; i < 50; i++) {
    await runOutboxOnce({ workerId: `mail-test-${process.pid}` });
    const row = await findJob(dbh, jobId);
    if (row?.status !== 'pending') return row;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`job ${jobId} did not finish`);
}

async function mailboxOf(workspaceId: string) {
  const dbh = await db();
  return dbh.select().from(mailbox).where(eq(mailbox.workspaceId, workspaceId));
}

/** The parts of a MIME message, decoded: enough of RFC 2045 for what nodemailer writes. */
function mimeParts(raw: string) {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  if (!boundary) throw new Error('not a multipart message');
  return raw
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const [head = '', ...rest] = part.replace(/^\r\n/, '').split('\r\n\r\n');
      const body = rest.join('\r\n\r\n');
      const type = /^Content-Type:\s*([^;\r\n]+)/im.exec(head)?.[1]?.toLowerCase();
      const encoding = /^Content-Transfer-Encoding:\s*(\S+)/im.exec(head)?.[1]?.toLowerCase();
      let decoded = body;
      if (encoding === 'base64') decoded = Buffer.from(body, 'base64').toString('utf8');
      if (encoding === 'quoted-printable') {
        decoded = Buffer.from(
          body
            .replace(/=\r\n/g, '')
            .replace(/=([0-9A-F]{2})/gi, (_, hex: string) =>
              String.fromCharCode(Number.parseInt(hex, 16)),
            ),
          'latin1',
        ).toString('utf8');
      }
      return { type, decoded };
    });
}

describe('the opt-out confirmation, through SMTP', () => {
  it('leaves as one mail with a text and an HTML part, from the workspace, with a working preferences link', async () => {
    useEnv({ SMTP_URL: smtpUrl });
    expect(config().devMailbox).toBe(false);
    const { workspace, workspaceId } = await workspaceWith({
      senderName: 'Acme Shop',
      fromAddress: 'hello@acme.test',
      replyTo: 'care@acme.test',
      postalAddress: '1 Main St, Springfield',
    });
    const subscriber = await makeSubscriber(workspaceId);
    const changeId = await optedOut(workspaceId, subscriber.id);
    const jobId = await enqueue(workspaceId, OPT_OUT_CONFIRMATION, {
      subscriberId: subscriber.id,
      changeId,
    });

    expect(await runUntilDone(jobId)).toMatchObject({ status: 'done', lastError: null });

    const mails = received.filter((m) => m.to.includes(subscriber.email ?? ''));
    expect(mails).toHaveLength(1);
    const raw = mails[0]!.raw;
    expect(raw).toMatch(/^From: "?Acme Shop"? <hello@acme\.test>$/m);
    expect(raw).toMatch(/^Reply-To: care@acme\.test$/m);
    expect(raw).toMatch(/^Message-ID: <[0-9a-f]{32}@acme\.test>$/m);
    expect(raw).toMatch(/^Content-Type: multipart\/alternative/m);
    const parts = mimeParts(raw);
    const text = parts.find((p) => p.type === 'text/plain')?.decoded ?? '';
    const html = parts.find((p) => p.type === 'text/html')?.decoded ?? '';
    expect(text).toContain('You’re unsubscribed from Promotions by email.');
    expect(html).toContain('1 Main St, Springfield');

    const url = /(https?:\/\/\S+\/p\/(\S+))/.exec(text);
    expect(url).not.toBeNull();
    expect(html).toContain(`href="${url![1]}"`);
    const verified = await verifyLink(url![2], { purpose: 'preferences' });
    expect(verified).toMatchObject({
      ok: true,
      claims: { purpose: 'preferences', workspaceId: workspace.id, subscriberId: subscriber.id },
    });
    expect(await mailboxOf(workspaceId)).toEqual([]); // SMTP set: nothing kept
  });

  it('falls back to no-reply at Dial’s host when the workspace has no address', async () => {
    useEnv({ SMTP_URL: smtpUrl });
    const { workspaceId } = await workspaceWith({ senderName: 'Plain Co' });
    const subscriber = await makeSubscriber(workspaceId);
    await sendMail({
      workspaceId,
      to: subscriber.email!,
      from: { name: 'Plain Co', address: `no-reply@${new URL(config().baseUrl).hostname}` },
      subject: 'Hello',
      text: 'Hello',
      html: '<p>Hello</p>',
    });
    const job = await enqueue(workspaceId, PREFERENCES_LINK, { subscriberId: subscriber.id });
    expect(await runUntilDone(job)).toMatchObject({ status: 'done' });
    const mails = received.filter((m) => m.to.includes(subscriber.email!));
    expect(mails).toHaveLength(2);
    for (const { raw } of mails) expect(raw).toMatch(/^From: "?Plain Co"? <no-reply@localhost>$/m);
  });
});

describe('the opt-out confirmation, into the dev mailbox', () => {
  it('is kept in the mailbox when SMTP_URL is unset, once however often the job runs', async () => {
    useEnv({});
    expect(config().devMailbox).toBe(true);
    const { workspaceId } = await workspaceWith({ senderName: 'Acme Shop' });
    const { subscriber } = await upsertSubscriber(workspaceId, {
      email: 'lucia@example.com',
      locale: 'es-MX',
    });
    const changeId = await optedOut(workspaceId, subscriber.id);
    const payload = { subscriberId: subscriber.id, changeId };
    const jobId = await enqueue(workspaceId, OPT_OUT_CONFIRMATION, payload);
    expect(await runUntilDone(jobId)).toMatchObject({ status: 'done' });
    // At-least-once: the same job run again (a lease that ran out) keeps one copy.
    await sendOptOutConfirmation({
      id: jobId,
      workspaceId,
      kind: OPT_OUT_CONFIRMATION,
      payload,
      attempts: 2,
    });

    const kept = await mailboxOf(workspaceId);
    expect(kept).toHaveLength(1);
    const mail = kept[0]!;
    expect(mail).toMatchObject({
      to: 'lucia@example.com',
      from: '"Acme Shop" <no-reply@localhost>',
      subject: 'Tu baja está confirmada', // the subscriber's stored locale
    });
    expect(mail.text).toContain('Hemos registrado tu baja: Promotions por correo electrónico.');
    const url = /(https?:\/\/\S+\/p\/\S+)/.exec(mail.text)?.[1];
    expect(url).toBeDefined();
    expect(mail.html).toContain(`href="${url}"`);
    expect(await findDevMailById(mail.id)).toMatchObject({ id: mail.id });
    expect(await findDevMailById('not-a-uuid')).toBeUndefined();
  });

  it('a locale in the payload wins over the stored one', async () => {
    useEnv({});
    const { workspaceId } = await workspaceWith({});
    const { subscriber } = await upsertSubscriber(workspaceId, {
      email: `${workspaceId.slice(0, 8)}@example.com`,
      locale: 'es',
    });
    const job = await enqueue(workspaceId, PREFERENCES_LINK, {
      subscriberId: subscriber.id,
      locale: 'de',
    });
    expect(await runUntilDone(job)).toMatchObject({ status: 'done' });
    const [mail] = await mailboxOf(workspaceId);
    expect(mail?.subject).toBe('Ihr Link zu Ihren Einstellungen');
  });

  it('sends nothing to a subscriber without an email address', async () => {
    useEnv({});
    const { workspaceId } = await workspaceWith({});
    const { subscriber } = await upsertSubscriber(workspaceId, { phone: '+14155550123' });
    const changeId = await optedOut(workspaceId, subscriber.id);
    const job = await enqueue(workspaceId, OPT_OUT_CONFIRMATION, {
      subscriberId: subscriber.id,
      changeId,
    });
    expect(await runUntilDone(job)).toMatchObject({ status: 'done' });
    expect(await mailboxOf(workspaceId)).toEqual([]);
  });

  it('sends nothing when the workspace turned confirmation messages off', async () => {
    useEnv({});
    const { workspaceId, workspace } = await workspaceWith({});
    const dbh = await db();
    await updateWorkspace(dbh, workspaceId, {
      settings: {
        ...workspace.settings,
        policies: { ...workspace.settings.policies, confirmationMessages: false },
      },
    });
    const subscriber = await makeSubscriber(workspaceId);
    const changeId = await optedOut(workspaceId, subscriber.id);
    const job = await enqueue(workspaceId, OPT_OUT_CONFIRMATION, {
      subscriberId: subscriber.id,
      changeId,
    });
    expect(await runUntilDone(job)).toMatchObject({ status: 'done' });
    expect(await mailboxOf(workspaceId)).toEqual([]);
  });

  it('sends nothing when the subscriber opted back in before the job ran', async () => {
    useEnv({});
    const { workspaceId } = await workspaceWith({});
    const subscriber = await makeSubscriber(workspaceId);
    const changeId = await optedOut(workspaceId, subscriber.id);
    const back = await applyConsentFor({
      workspaceId,
      subscriberId: subscriber.id,
      source: 'preference_center',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
      ],
    });
    expect(back.ok).toBe(true);
    const job = await enqueue(workspaceId, OPT_OUT_CONFIRMATION, {
      subscriberId: subscriber.id,
      changeId,
    });
    expect(await runUntilDone(job)).toMatchObject({ status: 'done' });
    expect(await mailboxOf(workspaceId)).toEqual([]);
  });

  it('gives up at once on a payload that can never work', async () => {
    useEnv({});
    const { workspaceId } = await workspaceWith({});
    const job = await enqueue(workspaceId, OPT_OUT_CONFIRMATION, { email: 'x@example.com' });
    expect(await runUntilDone(job)).toMatchObject({ status: 'dead', attempts: 1 });
  });
});
