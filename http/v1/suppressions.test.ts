import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import type { Channel, Source } from '@/db/schema';
import { createApiKey } from '@/domain/api-keys';
import { applyConsentFor } from '@/domain/consent';
import { eraseSubscriber } from '@/domain/erasure';
import { upsertSubscriber } from '@/domain/subscribers';
import { suppressionHash } from '@/domain/suppression';
import { type SuppressionEntry, suppressionPages } from '@/domain/suppression-export';
import { makeWorkspace } from '@/domain/test-fixtures';
import type { ConsentChange } from '@/domain/transitions';
import { csvField, getSuppressions } from './suppressions';

const BASE = 'http://dial.test/api/v1/suppressions';
const T1 = new Date('2025-01-02T03:04:05.678Z');
const T2 = new Date('2025-02-03T04:05:06.789Z');
const T3 = new Date('2025-03-04T05:06:07.891Z');
const BULK = 12_000; // more than two pages of 5,000

let workspaceId: string;
let readKey: string;
let checkKey: string;
const who: Record<string, { id: string; email?: string; phone?: string; externalId?: string }> = {};

async function person(name: string, keys: { email?: string; phone?: string; externalId?: string }) {
  const { subscriber } = await upsertSubscriber(workspaceId, keys);
  who[name] = { id: subscriber.id, ...keys };
  return subscriber.id;
}

async function change(id: string, source: Source, now: Date, ...changes: ConsentChange[]) {
  const result = await applyConsentFor({ workspaceId, subscriberId: id, source, now, changes });
  expect(result.ok).toBe(true);
}

beforeAll(async () => {
  ({ workspaceId } = await makeWorkspace('suppressions'));
  readKey = (await createApiKey({ workspaceId, scope: 'read' })).key;
  checkKey = (await createApiKey({ workspaceId, scope: 'check' })).key;
  const other = await makeWorkspace('suppressions-other');

  // On the lists:
  const emailOut = await person('emailOut', {
    email: 'email-out@example.com',
    externalId: 'crm,"1"\nx', // needs CSV quoting
  });
  await change(emailOut, 'api', T1, { type: 'global_opt_out', channel: 'email' });
  const allOut = await person('allOut', { email: 'all-out@example.com', phone: '+14155550101' });
  await change(allOut, 'api', T1, { type: 'global_opt_out', channel: 'email' });
  await change(allOut, 'preference_center', T2, { type: 'global_opt_out', channel: 'all' });
  const stopped = await person('stopped', { phone: '+14155550102' });
  await change(stopped, 'sms_keyword', T3, {
    type: 'keyword_block',
    channel: 'sms',
    blocked: true,
  });
  const smsOut = await person('smsOut', { phone: '+14155550103', email: 'sms-out@example.com' });
  await change(smsOut, 'api', T2, { type: 'global_opt_out', channel: 'sms' });
  const erased = await person('erased', { email: 'erased@example.com', phone: '+14155550104' });
  await eraseSubscriber({ workspaceId, subscriberId: erased, requestedBy: 'api' });

  // Not on the lists: preferences, not suppressions.
  const categoryOut = await person('categoryOut', { email: 'category-out@example.com' });
  await change(
    categoryOut,
    'api',
    T1,
    { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
    { type: 'subscription', category: 'promotions', channel: 'email', status: 'unsubscribed' },
  );
  const paused = await person('paused', { email: 'paused@example.com' });
  await change(paused, 'preference_center', new Date(), {
    type: 'pause',
    until: new Date(Date.now() + 30 * 86_400_000),
  });
  const backIn = await person('backIn', { email: 'back-in@example.com' });
  await change(backIn, 'preference_center', T1, { type: 'global_opt_out', channel: 'email' });
  await change(backIn, 'preference_center', T2, { type: 'global_opt_in', channel: 'email' });
  await person('plain', { email: 'plain@example.com' });
  // Another workspace's opted-out subscriber never shows.
  const { subscriber: stranger } = await upsertSubscriber(other.workspaceId, {
    email: 'stranger@example.com',
  });
  await applyConsentFor({
    workspaceId: other.workspaceId,
    subscriberId: stranger.id,
    source: 'api',
    changes: [{ type: 'global_opt_out', channel: 'all' }],
  });

  // Many, to cross pages: opted out of everything (no ledger behind them, so no `since`).
  await (await db()).execute(sql`
    insert into subscribers (workspace_id, email, phone, global_opt_outs)
    select ${workspaceId}, 'many' || g || '@example.com', '+1555' || lpad(g::text, 7, '0'),
           '{"all":{"own":false}}'::jsonb
    from generate_series(1, ${BULK}) g`);
}, 120_000);
afterAll(() => closeDb());

type Row = Record<string, string | number | null>;

function get(query: string, key: string | null = readKey) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  return getSuppressions(new Request(`${BASE}${query}`, { headers }));
}

/** RFC 4180, as a spreadsheet or a CSV library reads it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

async function ndjson(channel: Channel): Promise<Row[]> {
  const res = await get(`?channel=${channel}&format=ndjson`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/x-ndjson');
  return (await res.text())
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
}

async function csv(channel: Channel): Promise<Row[]> {
  const res = await get(`?channel=${channel}&format=csv`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(res.headers.get('content-disposition')).toContain(`suppressions-${channel}.csv`);
  const [header, ...rows] = parseCsv(await res.text());
  expect(header).toEqual([
    'address',
    'subscriberId',
    'externalId',
    'reason',
    'since',
    'addressHash',
    'keyVersion',
  ]);
  // Back to the NDJSON shapes: empty fields are absent (or null) values.
  return rows.map((fields): Row => {
    const [address, subscriberId, externalId, reason, since, addressHash, keyVersion] = fields;
    if (addressHash) {
      return {
        addressHash,
        keyVersion: Number(keyVersion),
        reason: reason ?? '',
        since: since ?? '',
      };
    }
    return {
      address: address || null,
      subscriberId: subscriberId ?? '',
      externalId: externalId || null,
      reason: reason ?? '',
      since: since || null,
    };
  });
}

const sub = (name: string, reason: string, since: Date | null | 'any', address: string | null) => ({
  address,
  subscriberId: who[name]?.id,
  externalId: who[name]?.externalId ?? null,
  reason,
  since: since === 'any' ? expect.any(String) : (since?.toISOString() ?? null),
});
const hash = (address: string, channel: 'email' | 'sms') => ({
  addressHash: suppressionHash(workspaceId, address),
  keyVersion: 1,
  reason: 'erasure',
  since: expect.any(String),
  channel,
});

/** The named rows, and the bulk ones counted, each exactly once. */
function expectList(
  rows: Row[],
  named: object[],
  hashes: ReturnType<typeof hash>[],
  bulk: 'email' | 'phone' | 'none',
) {
  const ids = new Set(Object.values(who).map((w) => w.id));
  const mine = rows.filter((r) => typeof r.subscriberId === 'string' && ids.has(r.subscriberId));
  const hashRows = rows.filter((r) => 'addressHash' in r);
  const many = rows.filter((r) => !mine.includes(r) && !hashRows.includes(r));
  expect(mine).toEqual(expect.arrayContaining(named));
  expect(mine).toHaveLength(named.length);
  expect(hashRows).toEqual(hashes.map(({ channel: _, ...h }) => h));
  expect(many).toHaveLength(BULK);
  expect(new Set(many.map((r) => r.subscriberId)).size).toBe(BULK);
  for (const r of many) {
    expect(r.reason).toBe('global_opt_out');
    expect(r.since).toBeNull();
    if (bulk === 'email') expect(r.address).toMatch(/^many\d+@example\.com$/);
    else if (bulk === 'phone') expect(r.address).toMatch(/^\+1555\d{7}$/);
    else expect(r.address).toBeNull();
  }
  // Subscribers first, ordered by id (the keyset); then the hashes.
  const subscriberIds = rows
    .filter((r) => !('addressHash' in r))
    .map((r) => r.subscriberId as string);
  expect(subscriberIds).toEqual([...subscriberIds].sort());
}

describe('GET /api/v1/suppressions', () => {
  it('email: opted out of email or of everything, erased; the erased address as a hash', async () => {
    const named = [
      sub('emailOut', 'global_opt_out', T1, 'email-out@example.com'),
      // Opted out of email at T1, then of everything at T2: suppressed since T1.
      sub('allOut', 'global_opt_out', T1, 'all-out@example.com'),
      sub('erased', 'erased', 'any', null),
    ];
    const hashes = [hash('erased@example.com', 'email')];
    for (const rows of [await ndjson('email'), await csv('email')]) {
      expectList(rows, named, hashes, 'email');
    }
  });

  it('sms: a STOP keyword block and an SMS opt-out count too; phones hashed', async () => {
    const named = [
      sub('allOut', 'global_opt_out', T2, '+14155550101'),
      sub('stopped', 'keyword_block', T3, '+14155550102'),
      sub('smsOut', 'global_opt_out', T2, '+14155550103'),
      sub('erased', 'erased', 'any', null),
    ];
    const hashes = [hash('+14155550104', 'sms')];
    for (const rows of [await ndjson('sms'), await csv('sms')]) {
      expectList(rows, named, hashes, 'phone');
    }
  });

  it('whatsapp carries the phone hashes; push has addresses of none and no hashes', async () => {
    expectList(
      await ndjson('whatsapp'),
      [sub('allOut', 'global_opt_out', T2, '+14155550101'), sub('erased', 'erased', 'any', null)],
      [hash('+14155550104', 'sms')],
      'phone',
    );
    expectList(
      await csv('push'),
      [sub('allOut', 'global_opt_out', T2, null), sub('erased', 'erased', 'any', null)],
      [],
      'none',
    );
  });

  it('pages by keyset: small pages give the same list as one big page', async () => {
    const all = async (pageSize: number) => {
      const out: SuppressionEntry[] = [];
      for await (const page of suppressionPages({ workspaceId, channel: 'email', pageSize })) {
        expect(page.length).toBeLessThanOrEqual(pageSize);
        out.push(...page);
      }
      return out;
    };
    const whole = await all(100_000);
    expect(whole).toHaveLength(BULK + 4);
    expect(await all(997)).toEqual(whole);
    expect(await all(BULK + 3)).toEqual(whole);
  });

  it('quotes CSV fields that need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(3)).toBe('3');
  });

  it('defaults to NDJSON; 422 for a bad channel or format; 401; 403 for a check key', async () => {
    const res = await get('?channel=push');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    await res.body?.cancel();
    for (const query of ['', '?channel=fax', '?channel=email&format=xml']) {
      const bad = await get(query);
      expect(bad.status).toBe(422);
      expect(bad.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await get('?channel=email', null)).status).toBe(401);
    expect((await get('?channel=email', checkKey)).status).toBe(403);
  });
});
