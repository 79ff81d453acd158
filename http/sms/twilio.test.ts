import { randomBytes, randomInt } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import twilio from 'twilio';
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { updateWorkspace } from '@/db/queries/workspaces';
import { consentEvents, evidence, subscribers } from '@/db/schema';
import { check } from '@/domain/check';
import { applyConsentFor } from '@/domain/consent';
import { makeWorkspace } from '@/domain/test-fixtures';
import { configureWorkspace } from '@/domain/workspaces';
import { config } from '@/platform/config';
import { postTwilioInbound } from './twilio';

/**
 * The Twilio webhook end to end at the handler: every request is signed with the twilio
 * package's own signer over DIAL_BASE_URL + path, and sent to another host, as a proxy would.
 */

afterAll(() => closeDb());

const TOKEN = randomBytes(16).toString('hex');
const BUSINESS = '+15005550006';
let slug: string;
let workspaceId: string;

beforeAll(async () => {
  const made = await makeWorkspace('sms');
  slug = made.workspace.slug;
  workspaceId = made.workspaceId;
  await configureWorkspace(slug, { twilioAuthToken: TOKEN, smsNumber: BUSINESS });
  await updateWorkspace(await db(), workspaceId, {
    settings: {
      ...made.workspace.settings,
      senderName: 'Acme & Co',
      supportContact: 'help@acme.example',
    },
  });
});

const newSid = () => `SM${randomBytes(16).toString('hex')}`;
const newPhone = () => `+1415${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;

function message(from: string, body: string, sid = newSid()): Record<string, string> {
  return {
    ToCountry: 'US',
    SmsMessageSid: sid,
    NumMedia: '0',
    SmsSid: sid,
    SmsStatus: 'received',
    Body: body,
    To: from.startsWith('whatsapp:') ? `whatsapp:${BUSINESS}` : BUSINESS,
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: `AC${'0'.repeat(32)}`,
    From: from,
    ApiVersion: '2010-04-01',
  };
}

type SendOptions = {
  workspace?: string;
  token?: string;
  signature?: string | null;
  signedUrl?: string;
  query?: string;
  contentType?: string;
};

function request(fields: Record<string, string>, o: SendOptions = {}): Request {
  const path = `/api/sms/twilio/${o.workspace ?? slug}${o.query ?? ''}`;
  const signature =
    o.signature === undefined
      ? twilio.getExpectedTwilioSignature(
          o.token ?? TOKEN,
          o.signedUrl ?? `${config().baseUrl}${path}`,
          fields,
        )
      : o.signature;
  const headers: Record<string, string> = {
    'content-type': o.contentType ?? 'application/x-www-form-urlencoded; charset=UTF-8',
  };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  // Another host than DIAL_BASE_URL: the signature is over the public URL, not the Host header.
  return new Request(`http://10.0.0.7:8080${path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(fields).toString(),
  });
}

async function send(from: string, body: string, sid?: string) {
  const response = await postTwilioInbound(request(message(from, body, sid)));
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    xml: await response.text(),
  };
}

/** The text of the one <Message>, or null for an empty <Response/>. */
function reply(xml: string): string | null {
  const messages = [...xml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)];
  expect(messages.length).toBeLessThanOrEqual(1);
  if (messages.length === 0) {
    expect(xml).toContain('<Response/>');
    return null;
  }
  return (messages[0]?.[1] ?? '')
    .replaceAll('&apos;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

const may = (phone: string, category: string, channel: 'email' | 'sms' | 'whatsapp') =>
  check({ workspaceId, subscriber: { phone }, category, channel });

async function subscriberByPhone(phone: string) {
  const [row] = await (await db())
    .select({ id: subscribers.id, email: subscribers.email })
    .from(subscribers)
    .where(and(eq(subscribers.workspaceId, workspaceId), eq(subscribers.phone, phone)));
  return row;
}

async function eventCount(): Promise<number> {
  const result = (await (
    await db()
  ).execute(
    sql`select count(*)::int as n from consent_events where workspace_id = ${workspaceId}`,
  )) as unknown as { rows: { n: number }[] };
  return result.rows[0]?.n ?? -1;
}

/** A subscriber with an email and a phone, subscribed to promotions on email, SMS and WhatsApp. */
async function subscribedEverywhere(phone = newPhone()) {
  const dbh = await db();
  const [row] = await dbh
    .insert(subscribers)
    .values({ workspaceId, phone, email: `${phone.slice(1)}@example.com` })
    .returning({ id: subscribers.id });
  const id = row?.id as string;
  const result = await applyConsentFor({
    workspaceId,
    subscriberId: id,
    source: 'api',
    changes: (['email', 'sms', 'whatsapp'] as const).map((channel) => ({
      type: 'subscription',
      category: 'promotions',
      channel,
      status: 'subscribed',
    })),
  });
  expect(result.ok).toBe(true);
  return { id, phone };
}

describe('the signature and the request', () => {
  it('uses the twilio package validator itself', () => {
    expect(validateRequest).toBe(twilio.validateRequest);
  });

  it('accepts a request signed over DIAL_BASE_URL + path, and answers TwiML', async () => {
    const res = await send(newPhone(), 'hello there');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/xml/);
    expect(res.xml).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  it('signs the query string too', async () => {
    const fields = message(newPhone(), 'HELP');
    expect((await postTwilioInbound(request(fields, { query: '?region=us' }))).status).toBe(200);
    const unsigned = request(fields, {
      query: '?region=us',
      signedUrl: `${config().baseUrl}/api/sms/twilio/${slug}`,
    });
    expect((await postTwilioInbound(unsigned)).status).toBe(403);
  });

  it('refuses a bad, missing or foreign signature with 403 and changes nothing', async () => {
    const phone = newPhone();
    const before = await eventCount();
    const stop = message(phone, 'STOP');
    const bad = [
      request(stop, { signature: 'bm90IGEgc2lnbmF0dXJl' }),
      request(stop, { signature: null }),
      request(stop, { token: 'another-workspace-token' }),
      // Signed over the URL the request reached, not the public one.
      request(stop, { signedUrl: `http://10.0.0.7:8080/api/sms/twilio/${slug}` }),
      // The body was changed after signing.
      request(
        { ...stop, Body: 'START' },
        {
          signature: twilio.getExpectedTwilioSignature(
            TOKEN,
            `${config().baseUrl}/api/sms/twilio/${slug}`,
            stop,
          ),
        },
      ),
    ];
    for (const req of bad) {
      const res = await postTwilioInbound(req);
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/signature/i);
    }
    expect(await eventCount()).toBe(before);
    expect(await subscriberByPhone(phone)).toBeUndefined();
    expect((await may(phone, 'order-updates', 'sms')).reason).toBe('transactional');
  });

  it('answers 403 for a workspace without an auth token', async () => {
    const other = await makeWorkspace('sms-notoken');
    const res = await postTwilioInbound(
      request(message(newPhone(), 'STOP'), { workspace: other.workspace.slug }),
    );
    expect(res.status).toBe(403);
  });

  it('answers 404 for an unknown workspace, whatever the signature', async () => {
    for (const workspace of ['no-such-workspace', 'a%2Fb', '%E0%A4%A']) {
      const res = await postTwilioInbound(request(message(newPhone(), 'STOP'), { workspace }));
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('Not found.\n');
    }
  });

  it('answers a clear 400 for a malformed body', async () => {
    const phone = newPhone();
    const noSid = message(phone, 'STOP');
    delete noSid.MessageSid;
    const cases: [Record<string, string>, RegExp][] = [
      [noSid, /MessageSid/],
      [message('not-a-number', 'STOP'), /From/],
      [message('whatsapp:12', 'STOP'), /From/],
      [{ ...message(phone, 'STOP'), MessageSid: 'x y' }, /MessageSid/],
    ];
    for (const [fields, detail] of cases) {
      const res = await postTwilioInbound(request(fields));
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(detail);
    }
    const json = await postTwilioInbound(
      request(message(phone, 'STOP'), { contentType: 'application/json' }),
    );
    expect(json.status).toBe(400);
    expect(await json.text()).toMatch(/x-www-form-urlencoded/);
    expect(await subscriberByPhone(phone)).toBeUndefined();
  });
});

describe('STOP', () => {
  const words = [
    'STOP',
    'stop',
    '  stop. ',
    'STOP!',
    'STOPALL',
    'UNSUBSCRIBE',
    'Cancel',
    'END',
    'quit',
    'REVOKE',
    'OPTOUT',
    'Opt   Out',
    'OPT OUT',
  ];
  it.each(words)('%j blocks the number on SMS and replies one confirmation', async (word) => {
    const { phone } = await subscribedEverywhere();
    const res = await send(phone, word);
    expect(res.status).toBe(200);
    expect(reply(res.xml)).toBe(
      "You're unsubscribed from Acme & Co texts and will get no more messages. Reply START to resubscribe.",
    );
    expect(res.xml).toContain('Acme &amp; Co');
    expect(await may(phone, 'promotions', 'sms')).toMatchObject({
      allowed: false,
      reason: 'sms_blocked',
    });
    // The carrier blocks receipts too.
    expect((await may(phone, 'order-updates', 'sms')).reason).toBe('sms_blocked');
  });

  const requests = [
    'please stop texting me',
    'Stop sending me messages!',
    'unsubscribe me',
    'Remove me from this list',
    'no more texts',
  ];
  it.each(requests)('the plain request %j opts out as STOP does', async (body) => {
    const { phone } = await subscribedEverywhere();
    expect(reply((await send(phone, body)).xml)).toMatch(/^You're unsubscribed/);
    expect((await may(phone, 'promotions', 'sms')).reason).toBe('sms_blocked');
  });

  it('leaves email alone, and records the block and the opt-out with their evidence', async () => {
    const { id, phone } = await subscribedEverywhere();
    const sid = newSid();
    await send(phone, 'Stop!', sid);
    expect(await may(phone, 'promotions', 'email')).toMatchObject({
      allowed: true,
      reason: 'subscribed',
    });
    expect((await may(phone, 'order-updates', 'email')).allowed).toBe(true);
    expect((await may(phone, 'promotions', 'whatsapp')).allowed).toBe(true);

    const dbh = await db();
    const events = await dbh
      .select()
      .from(consentEvents)
      .where(eq(consentEvents.subscriberId, id))
      .orderBy(consentEvents.seq);
    const stop = events.filter((e) => e.source === 'sms_keyword');
    expect(stop.map((e) => [e.type, e.channel, e.after])).toEqual([
      ['keyword_block', 'sms', { blocked: true }],
      ['global_opt_out', 'sms', { optedOut: true, own: true }],
    ]);
    const [proof] = await dbh
      .select()
      .from(evidence)
      .where(eq(evidence.id, stop[0]?.evidenceId as string));
    expect(proof?.data).toMatchObject({
      keyword: 'STOP',
      detail: { match: 'keyword', channel: 'sms', messageSid: sid, to: BUSINESS },
    });
    const from = String(proof?.data.detail?.from);
    expect(from.endsWith(phone.slice(-4))).toBe(true);
    expect(from).not.toContain(phone.slice(1, -4));
  });

  it('is the subscriber own opt-out: the API cannot lift it', async () => {
    const { id, phone } = await subscribedEverywhere();
    await send(phone, 'STOP');
    const result = await applyConsentFor({
      workspaceId,
      subscriberId: id,
      source: 'api',
      changes: [
        { type: 'keyword_block', channel: 'sms', blocked: false },
        { type: 'global_opt_in', channel: 'sms' },
      ],
    });
    expect(result.ok).toBe(false);
    expect((await may(phone, 'promotions', 'sms')).reason).toBe('sms_blocked');
  });

  it('from a number Dial does not know, creates the subscriber so the check says sms_blocked', async () => {
    const phone = newPhone();
    expect((await may(phone, 'order-updates', 'sms')).reason).toBe('transactional');
    expect(reply((await send(phone, 'STOP')).xml)).toMatch(/^You're unsubscribed/);
    expect(await subscriberByPhone(phone)).toBeDefined();
    expect((await may(phone, 'promotions', 'sms')).reason).toBe('sms_blocked');
    expect((await may(phone, 'order-updates', 'sms')).reason).toBe('sms_blocked');
  });

  it('a repeated MessageSid writes no second event and gets an empty reply', async () => {
    const { phone } = await subscribedEverywhere();
    const sid = newSid();
    const first = await send(phone, 'STOP', sid);
    expect(reply(first.xml)).toMatch(/^You're unsubscribed/);
    const after = await eventCount();
    const again = await send(phone, 'STOP', sid);
    expect(again.status).toBe(200);
    expect(again.xml).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(await eventCount()).toBe(after);
    // A START carrying the same MessageSid (a replay) changes nothing either.
    expect(reply((await send(phone, 'START', sid)).xml)).toBeNull();
    expect((await may(phone, 'promotions', 'sms')).reason).toBe('sms_blocked');
  });
});

describe('START, UNSTOP, YES', () => {
  it.each(['START', 'unstop', 'Yes'])(
    '%j lifts the block and the opt-out: sends may go again',
    async (word) => {
      const { phone } = await subscribedEverywhere();
      await send(phone, 'STOP');
      const res = await send(phone, word);
      expect(reply(res.xml)).toBe(
        "You're resubscribed to Acme & Co texts. Msg frequency varies. Msg & data rates may apply. Reply HELP for help, STOP to unsubscribe.",
      );
      expect(await may(phone, 'promotions', 'sms')).toMatchObject({
        allowed: true,
        reason: 'subscribed',
      });
      expect((await may(phone, 'order-updates', 'sms')).reason).toBe('transactional');
    },
  );

  it('YES confirms a pending double opt-in on that channel only', async () => {
    const phone = newPhone();
    const dbh = await db();
    const [row] = await dbh
      .insert(subscribers)
      .values({ workspaceId, phone, email: `${phone.slice(1)}@example.com` })
      .returning({ id: subscribers.id });
    const id = row?.id as string;
    await applyConsentFor({
      workspaceId,
      subscriberId: id,
      source: 'embed_form',
      changes: (['sms', 'email'] as const).map((channel) => ({
        type: 'subscription',
        category: 'promotions',
        channel,
        status: 'pending',
      })),
    });
    expect((await may(phone, 'promotions', 'sms')).reason).toBe('pending');

    const res = await send(phone, 'YES');
    expect(reply(res.xml)).toBe(
      "Thanks, you're subscribed to Acme & Co texts. Msg frequency varies. Msg & data rates may apply. Reply HELP for help, STOP to unsubscribe.",
    );
    expect(await may(phone, 'promotions', 'sms')).toMatchObject({
      allowed: true,
      status: 'subscribed',
    });
    // Email waits for its own confirmation link.
    expect((await may(phone, 'promotions', 'email')).reason).toBe('pending');
    const [confirmation] = await dbh
      .select()
      .from(consentEvents)
      .where(and(eq(consentEvents.subscriberId, id), eq(consentEvents.source, 'sms_keyword')));
    expect(confirmation).toMatchObject({ type: 'subscription', channel: 'sms' });
    expect(confirmation?.after).toMatchObject({ status: 'subscribed' });
  });

  it('from a number Dial does not know: a confirmation, and nothing stored', async () => {
    const phone = newPhone();
    const before = await eventCount();
    expect(reply((await send(phone, 'START')).xml)).toMatch(/^You're resubscribed/);
    expect(await subscriberByPhone(phone)).toBeUndefined();
    expect(await eventCount()).toBe(before);
  });
});

describe('HELP and INFO', () => {
  it.each(['HELP', 'info'])(
    '%j names the brand, the support contact, how to stop, frequency and rates',
    async (word) => {
      const { phone } = await subscribedEverywhere();
      const before = await eventCount();
      const res = await send(phone, word);
      const text = reply(res.xml);
      expect(text).toBe(
        'Acme & Co: for help, contact help@acme.example. Msg frequency varies. Msg & data rates may apply. Reply STOP to unsubscribe, START to resubscribe.',
      );
      expect(await eventCount()).toBe(before);
      expect((await may(phone, 'promotions', 'sms')).allowed).toBe(true);
    },
  );
});

describe('everything else', () => {
  it.each(["don't stop", 'when does the store close', 'Yes but only on weekends', ''])(
    '%j changes nothing and gets no reply',
    async (body) => {
      const { phone } = await subscribedEverywhere();
      const before = await eventCount();
      const res = await send(phone, body);
      expect(res.status).toBe(200);
      expect(reply(res.xml)).toBeNull();
      expect(await eventCount()).toBe(before);
      expect((await may(phone, 'promotions', 'sms')).allowed).toBe(true);
    },
  );
});

describe('WhatsApp', () => {
  it('STOP from whatsapp:+... blocks WhatsApp only', async () => {
    const { phone } = await subscribedEverywhere();
    const res = await send(`whatsapp:${phone}`, 'STOP');
    expect(reply(res.xml)).toBe(
      "You're unsubscribed from Acme & Co WhatsApp messages and will get no more messages. Reply START to resubscribe.",
    );
    expect((await may(phone, 'promotions', 'whatsapp')).reason).toBe('sms_blocked');
    expect((await may(phone, 'order-updates', 'whatsapp')).reason).toBe('sms_blocked');
    expect((await may(phone, 'promotions', 'sms')).allowed).toBe(true);
    expect((await may(phone, 'order-updates', 'sms')).allowed).toBe(true);
    expect((await may(phone, 'promotions', 'email')).allowed).toBe(true);

    expect(reply((await send(`whatsapp:${phone}`, 'START')).xml)).toMatch(
      /^You're resubscribed to Acme & Co WhatsApp messages/,
    );
    expect((await may(phone, 'promotions', 'whatsapp')).allowed).toBe(true);
  });
});

describe('Spanish', () => {
  it.each(['ALTO', 'parar', 'Cancelar', 'BAJA', 'no más mensajes'])(
    '%j opts out with a reply in Spanish',
    async (word) => {
      const { phone } = await subscribedEverywhere();
      expect(reply((await send(phone, word)).xml)).toBe(
        'Te has dado de baja de los mensajes de texto de Acme & Co y no recibirás más mensajes. Responde START para volver a suscribirte.',
      );
      expect((await may(phone, 'promotions', 'sms')).reason).toBe('sms_blocked');
    },
  );

  it('AYUDA answers in Spanish; SÍ opts back in in Spanish', async () => {
    const { phone } = await subscribedEverywhere();
    expect(reply((await send(phone, 'AYUDA')).xml)).toBe(
      'Acme & Co: para obtener ayuda, escribe a help@acme.example. La frecuencia de mensajes varía. Pueden aplicarse tarifas de mensajes y datos. Responde ALTO para darte de baja o START para volver a suscribirte.',
    );
    await send(phone, 'ALTO');
    expect(reply((await send(phone, 'Sí')).xml)).toMatch(
      /^Te has vuelto a suscribir a los mensajes de texto de Acme & Co\./,
    );
    expect((await may(phone, 'promotions', 'sms')).allowed).toBe(true);
  });
});
