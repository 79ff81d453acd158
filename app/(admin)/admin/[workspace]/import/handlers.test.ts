import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { consentEvents } from '@/db/schema';
import { createAdmin } from '@/domain/admins';
import { auditLogPage } from '@/domain/audit';
import { applyConsentFor } from '@/domain/consent';
import { eraseSubscriber } from '@/domain/erasure';
import { parseCsv } from '@/domain/import-csv';
import { processImportBatch, startImport } from '@/domain/imports';
import { upsertSubscriber } from '@/domain/subscribers';
import { makeWorkspace } from '@/domain/test-fixtures';
import { exportCsv, importErrorReport, importProgress, sampleCsv, uploadImport } from './handlers';

/**
 * The import area's route handlers, called directly as the route files call them: the session
 * decides, the role is read from the database, and a workspace that is not the admin's is a 404.
 */

beforeAll(() => db().then(() => undefined), 120_000);
afterAll(() => closeDb());

async function member(slug: string, role: 'owner' | 'editor' | 'viewer') {
  const { adminId } = await createAdmin({
    email: `${role}-${randomUUID().slice(0, 8)}@example.com`,
    workspaceSlug: slug,
    role,
  });
  return { adminId };
}

function upload(slug: string, body: string, name = 'people.csv') {
  return new Request(`http://localhost/admin/${slug}/import/upload?name=${name}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'text/csv', 'x-dial-remote-addr': '198.51.100.7' },
  });
}

function get(path: string) {
  return new Request(`http://localhost${path}`, {
    headers: { 'x-dial-remote-addr': '198.51.100.7' },
  });
}

async function setup() {
  const made = await makeWorkspace('imph');
  const slug = made.workspace.slug;
  return {
    ...made,
    slug,
    editor: await member(slug, 'editor'),
    owner: await member(slug, 'owner'),
    viewer: await member(slug, 'viewer'),
  };
}

describe('the upload, progress and error report routes', () => {
  it('an editor uploads a file, follows its progress and downloads the rows that were not applied', async () => {
    const { slug, workspaceId, editor } = await setup();
    const response = await uploadImport(
      upload(
        slug,
        'email,promotions:email\r\nfine@example.com,subscribed\r\nbroken,subscribed\r\n',
      ),
      { session: editor, workspace: slug },
    );
    expect(response.status).toBe(201);
    const { id, rows } = (await response.json()) as { id: string; rows: number };
    expect(rows).toBe(2);
    await startImport({ workspaceId, importId: id, adminId: editor.adminId });
    const before = await importProgress(get(''), { session: editor, workspace: slug, id });
    expect(await before.json()).toMatchObject({ status: 'queued', done: 0, total: 2, percent: 0 });
    await processImportBatch(id);
    const after = await importProgress(get(''), { session: editor, workspace: slug, id });
    expect(await after.json()).toMatchObject({
      status: 'done',
      done: 2,
      total: 2,
      percent: 100,
      created: 1,
      errors: 1,
    });
    const report = await importErrorReport(get(''), { session: editor, workspace: slug, id });
    expect(report.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(report.headers.get('content-disposition')).toBe(
      'attachment; filename="people-errors.csv"',
    );
    const records = parseCsv(await report.text());
    expect(records.map((r) => r.cells)).toEqual([
      ['row', 'email', 'promotions:email', 'outcome', 'reason'],
      ['3', 'broken', 'subscribed', 'error', '“broken” is not a valid email address.'],
    ]);
  });

  it('refuses a file that is not CSV and an empty one with a problem document', async () => {
    const { slug, editor } = await setup();
    const wrong = new Request(`http://localhost/admin/${slug}/import/upload`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    const refused = await uploadImport(wrong, { session: editor, workspace: slug });
    expect(refused.status).toBe(415);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    const empty = await uploadImport(upload(slug, ''), { session: editor, workspace: slug });
    expect(empty.status).toBe(400);
  });

  it('viewer: 403 on every import and export route; an admin of another workspace: 404; nobody signed in: 401', async () => {
    const { slug, workspaceId, editor, viewer } = await setup();
    const uploaded = await uploadImport(upload(slug, 'email\r\na@example.com\r\n'), {
      session: editor,
      workspace: slug,
    });
    const { id } = (await uploaded.json()) as { id: string };
    const other = await makeWorkspace('imph-b');
    const outsider = await member(other.workspace.slug, 'owner');
    const calls = [
      (s: { adminId: string } | null) =>
        uploadImport(upload(slug, 'email\r\nb@example.com\r\n'), { session: s, workspace: slug }),
      (s: { adminId: string } | null) =>
        importProgress(get(''), { session: s, workspace: slug, id }),
      (s: { adminId: string } | null) =>
        importErrorReport(get(''), { session: s, workspace: slug, id }),
      (s: { adminId: string } | null) => sampleCsv(get(''), { session: s, workspace: slug }),
      ...['subscribers', 'suppressions', 'ledger'].map(
        (kind) => (s: { adminId: string } | null) =>
          exportCsv(get('/?channel=email'), { session: s, workspace: slug, kind }),
      ),
    ];
    for (const call of calls) {
      expect((await call(viewer)).status).toBe(403);
      expect((await call(outsider)).status).toBe(404);
      expect((await call(null)).status).toBe(401);
    }
    // The outsider's own workspace does not have the import either.
    const theirs = await importProgress(get(''), {
      session: outsider,
      workspace: other.workspace.slug,
      id,
    });
    expect(theirs.status).toBe(404);
    // Nothing was uploaded or exported by the refused calls.
    const audit = (await auditLogPage({ workspaceId })).entries;
    expect(audit.filter((e) => e.action === 'export.download')).toEqual([]);
  });
});

describe('the exports', () => {
  it('subscribers, suppressions and the ledger match the data, and each download is audited', async () => {
    const { slug, workspaceId, owner } = await setup();
    const ana = (
      await upsertSubscriber(workspaceId, {
        email: 'ana@example.com',
        externalId: '=cmd()',
        locale: 'es',
      })
    ).subscriber;
    await applyConsentFor({
      workspaceId,
      subscriberId: ana.id,
      source: 'api',
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
        { type: 'subscription', category: 'product-news', channel: 'email', status: 'subscribed' },
      ],
      evidence: { ip: '203.0.113.1', apiKeyId: 'key-1' },
    });
    await applyConsentFor({
      workspaceId,
      subscriberId: ana.id,
      source: 'one_click',
      changes: [{ type: 'global_opt_out', channel: 'email' }],
    });
    const gone = (await upsertSubscriber(workspaceId, { email: 'gone@example.com' })).subscriber;
    await eraseSubscriber({ workspaceId, subscriberId: gone.id, requestedBy: 'subscriber' });

    const subs = parseCsv(
      await (
        await exportCsv(get(''), { session: owner, workspace: slug, kind: 'subscribers' })
      ).text(),
    );
    const header = subs[0]?.cells ?? [];
    expect(header.slice(0, 11)).toEqual([
      'id',
      'external_id',
      'email',
      'phone',
      'locale',
      'created_at',
      'erased',
      'opted_out_of',
      'stop_keyword',
      'paused_until',
      'do_not_sell',
    ]);
    expect(header).toContain('promotions:sms');
    expect(header).toContain('order-updates:email');
    expect(subs).toHaveLength(3);
    const anaLine = subs.find((r) => r.cells[0] === ana.id)?.cells ?? [];
    const col = (name: string) => anaLine[header.indexOf(name)];
    expect(col('email')).toBe('ana@example.com');
    expect(col('external_id')).toBe("'=cmd()"); // never a formula in a spreadsheet
    expect(col('locale')).toBe('es');
    expect(col('erased')).toBe('no');
    expect(col('opted_out_of')).toBe('email');
    expect(col('promotions:email')).toBe('subscribed');
    expect(col('product-news:email')).toBe('subscribed');
    expect(col('promotions:sms')).toBe('');
    const goneLine = subs.find((r) => r.cells[0] === gone.id)?.cells ?? [];
    expect(goneLine[header.indexOf('erased')]).toBe('yes');
    expect(goneLine[header.indexOf('email')]).toBe('');

    const suppressions = parseCsv(
      await (
        await exportCsv(get('/?channel=email'), {
          session: owner,
          workspace: slug,
          kind: 'suppressions',
        })
      ).text(),
    );
    expect(suppressions[0]?.cells).toEqual([
      'address',
      'subscriber_id',
      'external_id',
      'reason',
      'since',
      'address_hash',
      'key_version',
    ]);
    const listed = suppressions.slice(1).map((r) => r.cells);
    expect(listed.find((c) => c[1] === ana.id)?.slice(0, 4)).toEqual([
      'ana@example.com',
      ana.id,
      "'=cmd()",
      'global_opt_out',
    ]);
    expect(listed.find((c) => c[1] === gone.id)?.[3]).toBe('erased');
    expect(listed.filter((c) => c[5] !== '')).toHaveLength(1); // Erin's address, as a keyed hash

    const ledger = parseCsv(
      await (await exportCsv(get(''), { session: owner, workspace: slug, kind: 'ledger' })).text(),
    );
    const dbh = await db();
    const [events] = await dbh
      .select({ n: count() })
      .from(consentEvents)
      .where(eq(consentEvents.workspaceId, workspaceId));
    expect(ledger).toHaveLength((events?.n ?? 0) + 1);
    const lheader = ledger[0]?.cells ?? [];
    const first = ledger[1]?.cells ?? [];
    expect(first[lheader.indexOf('subscriber_id')]).toBe(ana.id);
    expect(first[lheader.indexOf('source')]).toBe('api');
    expect(first[lheader.indexOf('category')]).toBe('promotions');
    expect(first[lheader.indexOf('evidence')]).toBe('API key key-1; IP address recorded');
    expect(JSON.parse(first[lheader.indexOf('after')] ?? '')).toMatchObject({
      status: 'subscribed',
    });
    // The ledger export carries no address: only ids.
    expect(ledger.some((r) => r.cells.some((c) => c.includes('ana@example.com')))).toBe(false);

    const audit = (await auditLogPage({ workspaceId })).entries.filter(
      (e) => e.action === 'export.download',
    );
    expect(audit.map((e) => [e.target, e.detail, e.ip])).toEqual([
      ['ledger', {}, '198.51.100.7'],
      ['suppressions', { channel: 'email' }, '198.51.100.7'],
      ['subscribers', {}, '198.51.100.7'],
    ]);
  });

  it('an unknown export or channel is refused', async () => {
    const { slug, owner } = await setup();
    expect(
      (await exportCsv(get(''), { session: owner, workspace: slug, kind: 'passwords' })).status,
    ).toBe(404);
    expect(
      (
        await exportCsv(get('/?channel=fax'), {
          session: owner,
          workspace: slug,
          kind: 'suppressions',
        })
      ).status,
    ).toBe(400);
  });

  it('the sample file reads back with this workspace’s consent columns', async () => {
    const { slug, editor } = await setup();
    const sample = parseCsv(
      await (await sampleCsv(get(''), { session: editor, workspace: slug })).text(),
    );
    expect(sample[0]?.cells.slice(0, 5)).toEqual([
      'email',
      'phone',
      'external_id',
      'locale',
      'promotions:email',
    ]);
    expect(sample[0]?.cells).not.toContain('order-updates:email'); // transactional: not imported
    expect(sample).toHaveLength(4);
  });
});
