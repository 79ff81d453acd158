import { type Db, db as getDb, type Tx } from '@/db/client';
import { loadCategories, loadSubscriptions, lockSubscribers } from '@/db/queries/consent';
import { findSubscribersByKeys } from '@/db/queries/subscribers';
import type { Channel, EvidenceData, Workspace } from '@/db/schema';
import { applyConsentFor } from './consent';
import { DomainError } from './errors';
import { claim, complete, release, requestHash } from './idempotency';
import { type Classification, classifyMessage, type KeywordLanguage } from './sms-keywords';
import { phoneSchema, upsertSubscriber } from './subscribers';
import type { ConsentChange } from './transitions';

/**
 * An inbound SMS or WhatsApp message (Twilio's webhook), acted on: STOP blocks the number on
 * that channel and opts it out, START/UNSTOP/YES lifts that and confirms a pending double opt-in,
 * HELP/INFO answers who is sending. Every change goes through the one door with source
 * `sms_keyword`; the reply is the only confirmation sent. A message is acted on once: its
 * MessageSid is claimed as the idempotency key `twilio:<MessageSid>`.
 */

export type PhoneChannel = Extract<Channel, 'sms' | 'whatsapp'>;

export type InboundMessage = {
  workspace: Pick<Workspace, 'id' | 'name' | 'settings'>;
  channel: PhoneChannel;
  /** The sender, E.164. */
  phone: string;
  body: string;
  messageSid: string;
  /** The business's number the message was sent to, as Twilio gives it. */
  to?: string;
  now?: Date;
};

export type InboundOutcome = {
  action: Classification['action'] | 'repeat';
  /** The one text to answer with, or null for none. */
  reply: string | null;
  subscriberId?: string;
  /** Consent events written. */
  events: number;
  /** Pending double opt-ins this message confirmed. */
  confirmed?: number;
};

const WHATSAPP = 'whatsapp:';

/** Twilio's `From`: `+14155550100` for SMS, `whatsapp:+14155550100` for WhatsApp. */
export function parseSender(from: string): { channel: PhoneChannel; phone: string } | undefined {
  const whatsapp = from.toLowerCase().startsWith(WHATSAPP);
  const parsed = phoneSchema.safeParse(whatsapp ? from.slice(WHATSAPP.length) : from);
  if (!parsed.success) return undefined;
  return { channel: whatsapp ? 'whatsapp' : 'sms', phone: parsed.data };
}

/** Evidence keeps the number's last four digits: enough to tell numbers apart, no more. */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 1)}${'*'.repeat(Math.max(0, phone.length - 5))}${phone.slice(-4)}`;
}

export async function handleInboundMessage(
  input: InboundMessage,
  database?: Db,
): Promise<InboundOutcome> {
  const classification = classifyMessage(input.body);
  if (classification.action === 'none') return { action: 'none', reply: null, events: 0 };
  const dbh = database ?? (await getDb());
  const workspaceId = input.workspace.id;
  const key = `twilio:${input.messageSid}`;
  const repeat: InboundOutcome = { action: 'repeat', reply: null, events: 0 };
  try {
    const claimed = await claim(
      { workspaceId, key, requestHash: requestHash('twilio', { messageSid: input.messageSid }) },
      dbh,
    );
    if (claimed.kind === 'replay') return repeat;
  } catch (error) {
    // The same message still being handled by another request: that one answers it.
    if (error instanceof DomainError && error.code === 'idempotency_in_progress') return repeat;
    throw error;
  }
  try {
    return await act(input, classification, dbh, key);
  } catch (error) {
    // Nothing was committed: free the MessageSid so a retry of this message is acted on.
    await release({ workspaceId, key }, dbh).catch(() => undefined);
    throw error;
  }
}

async function act(
  input: InboundMessage,
  c: Exclude<Classification, { action: 'none' }>,
  dbh: Db,
  key: string,
): Promise<InboundOutcome> {
  const workspaceId = input.workspace.id;
  const done = (tx: Db | Tx) =>
    complete(tx, { workspaceId, key, status: 200, body: { action: c.action } });
  const replies = REPLIES[c.language];
  const brand = brandName(input.workspace);

  if (c.action === 'help') {
    await done(dbh);
    return {
      action: 'help',
      reply: replies.help(brand, supportContact(input.workspace)),
      events: 0,
    };
  }

  // STOP from a number Dial has never seen still records the block, so the check says so.
  const subscriberId =
    c.action === 'opt_out'
      ? (await upsertSubscriber(workspaceId, { phone: input.phone }, dbh)).subscriber.id
      : (await findSubscribersByKeys(dbh, workspaceId, { phone: input.phone }))[0]?.id;
  if (!subscriberId) {
    // START from a stranger: nothing to lift; the carrier's own block (if any) is lifted anyway.
    await done(dbh);
    return { action: c.action, reply: replies.optIn(brand, input.channel), events: 0 };
  }

  const evidence: EvidenceData = {
    keyword: c.keyword,
    detail: {
      match: c.match,
      channel: input.channel,
      messageSid: input.messageSid,
      from: maskPhone(input.phone),
      ...(input.to ? { to: input.to } : {}),
    },
  };
  return dbh.transaction(async (tx) => {
    // Read under the subscriber's row lock, so what is confirmed is what is pending right now.
    const [locked] = await lockSubscribers(tx, workspaceId, [subscriberId]);
    if (!locked) throw new Error('sms-inbound: the subscriber vanished');
    const changes: ConsentChange[] = [];
    let confirmed = 0;
    if (c.action === 'opt_out') {
      changes.push(
        { type: 'keyword_block', channel: input.channel, blocked: true },
        { type: 'global_opt_out', channel: input.channel },
      );
    } else {
      if (locked.keywordBlocks.includes(input.channel))
        changes.push({ type: 'keyword_block', channel: input.channel, blocked: false });
      changes.push(...liftOptOuts(locked.globalOptOuts, input.channel));
      const pending = await pendingOn(tx, workspaceId, subscriberId, input.channel);
      confirmed = pending.length;
      for (const category of pending)
        changes.push({
          type: 'subscription',
          category,
          channel: input.channel,
          status: 'subscribed',
        });
    }
    if (confirmed > 0) evidence.detail = { ...evidence.detail, doubleOptIn: true };
    const result = await applyConsentFor(
      {
        workspaceId,
        subscriberId,
        source: 'sms_keyword',
        changes,
        evidence,
        now: input.now,
      },
      tx,
    );
    if (!result.ok) {
      // Refused (an erased subscriber opting in): change nothing, say nothing.
      if (c.action === 'opt_in') {
        await done(tx);
        return { action: c.action, reply: null, subscriberId, events: 0 };
      }
      throw new Error(`sms-inbound: STOP refused: ${result.refusals.map((r) => r.reason)}`);
    }
    await done(tx);
    const reply =
      c.action === 'opt_out'
        ? replies.optOut(brand, input.channel)
        : confirmed > 0
          ? replies.confirmed(brand, input.channel)
          : replies.optIn(brand, input.channel);
    return { action: c.action, reply, subscriberId, events: result.events.length, confirmed };
  });
}

/**
 * START is the subscriber's own explicit opt-in on this channel (rule 3): it lifts an opt-out of
 * this channel, and narrows an opt-out of everything to the other channels.
 */
function liftOptOuts(
  outs: Partial<Record<Channel | 'all', unknown>>,
  channel: PhoneChannel,
): ConsentChange[] {
  const changes: ConsentChange[] = [];
  if (outs.all) {
    for (const other of ['email', 'sms', 'whatsapp', 'push'] as const)
      if (other !== channel && !outs[other])
        changes.push({ type: 'global_opt_out', channel: other });
    changes.push({ type: 'global_opt_in', channel: 'all' });
  }
  if (outs[channel]) changes.push({ type: 'global_opt_in', channel });
  return changes;
}

/** Categories awaiting this subscriber's double opt-in on this channel (still offered there). */
async function pendingOn(tx: Tx, workspaceId: string, subscriberId: string, channel: Channel) {
  // One after the other: a transaction is one connection, which runs one query at a time.
  const rows = await loadSubscriptions(tx, workspaceId, [subscriberId]);
  if (!rows.some((r) => r.channel === channel && r.status === 'pending')) return [];
  const categories = await loadCategories(tx, workspaceId);
  const offered = new Set(
    categories
      .filter((c) => c.archivedAt === null && c.channels.includes(channel))
      .map((c) => c.id),
  );
  return rows
    .filter((r) => r.channel === channel && r.status === 'pending' && offered.has(r.categoryId))
    .map((r) => r.categoryId)
    .sort();
}

function brandName(workspace: InboundMessage['workspace']): string {
  return workspace.settings.senderName?.trim() || workspace.name;
}

function supportContact(workspace: InboundMessage['workspace']): string | undefined {
  return workspace.settings.supportContact?.trim() || workspace.settings.replyTo || undefined;
}

type Replies = {
  optOut: (brand: string, channel: PhoneChannel) => string;
  optIn: (brand: string, channel: PhoneChannel) => string;
  confirmed: (brand: string, channel: PhoneChannel) => string;
  help: (brand: string, support: string | undefined) => string;
};

/** The one text each keyword gets back: no marketing, the brand, how to stop (CTIA's wording). */
export const REPLIES: Record<KeywordLanguage, Replies> = {
  en: {
    optOut: (brand, channel) =>
      `You're unsubscribed from ${brand} ${channel === 'sms' ? 'texts' : 'WhatsApp messages'} and will get no more messages. Reply START to resubscribe.`,
    optIn: (brand, channel) =>
      `You're resubscribed to ${brand} ${channel === 'sms' ? 'texts' : 'WhatsApp messages'}. Msg frequency varies. Msg & data rates may apply. Reply HELP for help, STOP to unsubscribe.`,
    confirmed: (brand, channel) =>
      `Thanks, you're subscribed to ${brand} ${channel === 'sms' ? 'texts' : 'WhatsApp messages'}. Msg frequency varies. Msg & data rates may apply. Reply HELP for help, STOP to unsubscribe.`,
    help: (brand, support) =>
      `${brand}: ${support ? `for help, contact ${support}. ` : ''}Msg frequency varies. Msg & data rates may apply. Reply STOP to unsubscribe, START to resubscribe.`,
  },
  es: {
    optOut: (brand, channel) =>
      `Te has dado de baja de los ${channel === 'sms' ? 'mensajes de texto' : 'mensajes de WhatsApp'} de ${brand} y no recibirás más mensajes. Responde START para volver a suscribirte.`,
    optIn: (brand, channel) =>
      `Te has vuelto a suscribir a los ${channel === 'sms' ? 'mensajes de texto' : 'mensajes de WhatsApp'} de ${brand}. La frecuencia de mensajes varía. Pueden aplicarse tarifas de mensajes y datos. Responde AYUDA para obtener ayuda o ALTO para darte de baja.`,
    confirmed: (brand, channel) =>
      `Gracias, te has suscrito a los ${channel === 'sms' ? 'mensajes de texto' : 'mensajes de WhatsApp'} de ${brand}. La frecuencia de mensajes varía. Pueden aplicarse tarifas de mensajes y datos. Responde AYUDA para obtener ayuda o ALTO para darte de baja.`,
    help: (brand, support) =>
      `${brand}: ${support ? `para obtener ayuda, escribe a ${support}. ` : ''}La frecuencia de mensajes varía. Pueden aplicarse tarifas de mensajes y datos. Responde ALTO para darte de baja o START para volver a suscribirte.`,
  },
};
