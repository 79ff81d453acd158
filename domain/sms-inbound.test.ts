import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import type { Workspace } from '@/db/schema';
import { verifyWorkspace } from './chain';
import { check } from './check';
import { applyConsentFor, stateFromLedger } from './consent';
import { handleInboundMessage, maskPhone, parseSender, REPLIES } from './sms-inbound';
import { findSubscriber } from './subscribers';
import { makeWorkspace } from './test-fixtures';

afterAll(() => closeDb());

describe('parseSender', () => {
  it('reads an SMS sender as E.164 and a WhatsApp sender on the whatsapp channel', () => {
    expect(parseSender('+14155550100')).toEqual({ channel: 'sms', phone: '+14155550100' });
    expect(parseSender('whatsapp:+14155550100')).toEqual({
      channel: 'whatsapp',
      phone: '+14155550100',
    });
    expect(parseSender(' +44 20 7946 0958 ')).toEqual({ channel: 'sms', phone: '+442079460958' });
  });

  it('refuses what is not a phone number', () => {
    for (const from of ['', '14155550100', 'whatsapp:', 'messenger:12345', '+0123456789', 'abc'])
      expect(parseSender(from)).toBeUndefined();
  });
});

describe('maskPhone', () => {
  it('keeps the plus and the last four digits only', () => {
    expect(maskPhone('+14155550100')).toBe('+*******0100');
  });
});

describe('REPLIES', () => {
  it('HELP without a support contact still says who, how often, the rates and how to stop', () => {
    expect(REPLIES.en.help('Acme', undefined)).toBe(
      'Acme: Msg frequency varies. Msg & data rates may apply. Reply STOP to unsubscribe, START to resubscribe.',
    );
    expect(REPLIES.es.help('Acme', undefined)).toMatch(/^Acme: La frecuencia de mensajes varía\./);
  });

  it('no confirmation carries a link or an offer', () => {
    for (const replies of Object.values(REPLIES))
      for (const text of [
        replies.optOut('Acme', 'sms'),
        replies.optIn('Acme', 'whatsapp'),
        replies.confirmed('Acme', 'sms'),
        replies.help('Acme', 'help@acme.example'),
      ])
        expect(text).not.toMatch(/https?:|%|off\b|sale|descuento/i);
  });
});

describe('handleInboundMessage', () => {
  let workspace: Workspace;
  beforeAll(async () => {
    ({ workspace } = await makeWorkspace('sms-inbound'));
  });
  const inbound = (
    phone: string,
    body: string,
    messageSid = `SM${randomBytes(16).toString('hex')}`,
  ) => handleInboundMessage({ workspace, channel: 'sms', phone, body, messageSid });
  const newPhone = () => `+1628${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;

  it('keeps every change on the ledger, chained, and the projection equal to its fold', async () => {
    const phone = newPhone();
    expect(await inbound(phone, 'STOP')).toMatchObject({ action: 'opt_out', events: 2 });
    expect(await inbound(phone, 'STOP')).toMatchObject({ action: 'opt_out', events: 0 });
    expect(await inbound(phone, 'START')).toMatchObject({ action: 'opt_in', events: 2 });
    const subscriber = await findSubscriber(workspace.id, { phone });
    const state = await stateFromLedger(workspace.id, subscriber?.id as string);
    expect([...state.keywordBlocks]).toEqual([]);
    expect([...state.globalOptOuts.keys()]).toEqual([]);
    expect((await verifyWorkspace(workspace.id)).ok).toBe(true);
  });

  it('acts on one MessageSid once, even when it arrives twice at the same time', async () => {
    const phone = newPhone();
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const outcomes = await Promise.all([inbound(phone, 'STOP', sid), inbound(phone, 'STOP', sid)]);
    expect(outcomes.map((o) => o.action).sort()).toEqual(['opt_out', 'repeat']);
    expect(outcomes.filter((o) => o.reply !== null)).toHaveLength(1);
    expect(
      (
        await check({
          workspaceId: workspace.id,
          subscriber: { phone },
          category: 'promotions',
          channel: 'sms',
        })
      ).reason,
    ).toBe('sms_blocked');
  });

  it('START lifts an opt-out of everything for its channel only', async () => {
    const phone = newPhone();
    await inbound(phone, 'STOP');
    const subscriber = await findSubscriber(workspace.id, { phone });
    await applyConsentFor({
      workspaceId: workspace.id,
      subscriberId: subscriber?.id as string,
      source: 'preference_center',
      changes: [{ type: 'global_opt_out', channel: 'all' }],
    });
    await inbound(phone, 'START');
    const state = await stateFromLedger(workspace.id, subscriber?.id as string);
    expect([...state.globalOptOuts.keys()].sort()).toEqual(['email', 'push', 'whatsapp']);
    expect([...state.keywordBlocks]).toEqual([]);
  });

  it('writes nothing and claims nothing for a message that is no keyword', async () => {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    expect(await inbound(newPhone(), 'see you at 5', sid)).toEqual({
      action: 'none',
      reply: null,
      events: 0,
    });
    // The same MessageSid is not "used up": nothing was acted on.
    expect((await inbound(newPhone(), 'HELP', sid)).action).toBe('help');
  });
});
