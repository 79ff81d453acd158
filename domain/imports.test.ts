import { randomUUID } from 'node:crypto';
import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { importRowsPage } from '@/db/queries/imports';
import { consentEvents, imports, outbox, subscribers, subscriptions } from '@/db/schema';
import { runAdminAction } from './admin-actions';
import { createAdmin } from './admins';
import { auditLogPage } from './audit';
import { applyConsentFor } from './consent';
import { eraseSubscriber } from './erasure';
import { csvChunks } from './exports';
import { parseCsv } from './import-csv';
import {
  errorReportLines,
  IMPORT_JOB,
  importForAdmin,
  mappingFormValues,
  previewImport,
  previewImportCommand,
  processImportBatch,
  progressOf,
  receiveUpload,
  runImportJob,
  startImport,
  startImportCommand,
} from './imports';
import { upsertSubscriber } from './subscribers';
import { makeWorkspace } from './test-fixtures';

// Opening (and migrating) the database is slow on a busy machine: not any one test's time.
beforeAll(() => db().then(() => undefined), 120_000);
afterAll(() => closeDb());

async function* bytesOf(text: string, chunk = 7) {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += chunk) yield bytes.slice(i, i + chunk);
}

/**
 * A workspace with people the import must respect: Olga opted out of promotions by email
 * herself, Erin was erased, Eve is subscribed already and is matched by her external id.
 */
async function setup() {
  const made = await makeWorkspace('imp');
  const { workspaceId } = made;
  const olga = (await upsertSubscriber(workspaceId, { email: 'olga@example.com' })).subscriber;
  await applyConsentFor({
    workspaceId,
    subscriberId: olga.id,
    source: 'api',
    changes: [
      { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
    ],
  });
  await applyConsentFor({
    workspaceId,
    subscriberId: olga.id,
    source: 'unsubscribe_page',
    changes: [
      { type: 'subscription', category: 'promotions', channel: 'email', status: 'unsubscribed' },
    ],
  });
  const erin = (await upsertSubscriber(workspaceId, { email: 'erin@example.com' })).subscriber;
  await eraseSubscriber({ workspaceId, subscriberId: erin.id, requestedBy: 'subscriber' });
  const eve = (
    await upsertSubscriber(workspaceId, { email: 'eve@example.com', externalId: 'cust-7' })
  ).subscriber;
  // Gus pressed one-click unsubscribe (every marketing message by email) while subscribed.
  const gus = (await upsertSubscriber(workspaceId, { email: 'gus@example.com' })).subscriber;
  await applyConsentFor({
    workspaceId,
    subscriberId: gus.id,
    source: 'api',
    changes: [
      { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
    ],
  });
  await applyConsentFor({
    workspaceId,
    subscriberId: gus.id,
    source: 'one_click',
    changes: [{ type: 'global_opt_out', channel: 'email' }],
  });
  const editor = await createAdmin({
    email: `ed-${randomUUID().slice(0, 8)}@example.com`,
    workspaceSlug: made.workspace.slug,
    role: 'editor',
  });
  return { ...made, olga, erin, eve, gus, editor };
}

const FILE = [
  '\uFEFFEmail,Phone,External ID,Locale,promotions:email,promotions:sms,product-news:email',
  'new1@example.com,+14155550101,,en,subscribed,,yes', // 2: new
  'NEW2@Example.com,,,es,subscribed,unsubscribed,', // 3: new
  'not-an-email,,,,subscribed,,', // 4: error (email)
  'new3@example.com,555-1234,,,subscribed,,', // 5: error (phone)
  'new1@example.com,,,,unsubscribed,,', // 6: duplicate of row 2
  'olga@example.com,,,,subscribed,,', // 7: opted out herself: skipped
  'erin@example.com,,,,subscribed,,', // 8: erased: skipped
  ',,cust-7,,subscribed,,', // 9: Eve, matched by external id: updated
  '"new4@example.com",,,,"subscribed"x,,', // 10: malformed quoting: error
  'new5@example.com,,,,maybe,,', // 11: not a consent value: error
  ',,,,subscribed,,', // 12: no identifier: error
  '"new6@example.com","+44 7700 900123","c-6","fr","subscribed","subscribed",""', // 13: new
  'gus@example.com,,,,subscribed,,', // 14: opted out of email himself (globally): skipped
].join('\r\n');

async function uploaded(workspaceId: string, adminId: string, text = FILE) {
  const result = await receiveUpload({
    workspaceId,
    adminId,
    fileName: 'customers.csv',
    body: bytesOf(text),
  });
  if (!result.ok) throw new Error(result.message);
  return result.importId;
}

async function runToEnd(importId: string, workspaceId: string, batchSize = 3) {
  for (let i = 0; i < 100; i++) {
    const r = await processImportBatch(importId, { batchSize });
    if (r.finished) return;
  }
  throw new Error(`import ${importId} in ${workspaceId} did not finish`);
}

async function eventCount(workspaceId: string) {
  const dbh = await db();
  const [row] = await dbh
    .select({ n: count() })
    .from(consentEvents)
    .where(eq(consentEvents.workspaceId, workspaceId));
  return row?.n ?? 0;
}

async function subscriptionOf(subscriberId: string, categoryId: string, channel: string) {
  const dbh = await db();
  const [row] = await dbh
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.subscriberId, subscriberId),
        eq(subscriptions.categoryId, categoryId),
        sql`${subscriptions.channel} = ${channel}`,
      ),
    );
  return row;
}

describe('uploading', () => {
  it('stores every row with its row number and suggests the mapping from the header', async () => {
    const { workspaceId, editor } = await setup();
    const id = await uploaded(workspaceId, editor.adminId);
    const imp = await importForAdmin(workspaceId, id);
    expect(imp).toMatchObject({ status: 'uploaded', totalRows: 13, fileName: 'customers.csv' });
    expect(imp?.header[0]).toBe('Email'); // the byte order mark is gone
    expect(imp?.mapping).toEqual({
      email: 0,
      phone: 1,
      externalId: 2,
      locale: 3,
      consents: [
        { column: 4, category: 'promotions', channel: 'email' },
        { column: 5, category: 'promotions', channel: 'sms' },
        { column: 6, category: 'product-news', channel: 'email' },
      ],
    });
    const rows = await importRowsPage(await db(), { importId: id, afterRow: 0, limit: 100 });
    expect(rows.map((r) => r.row)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(rows.find((r) => r.row === 13)?.cells).toEqual([
      'new6@example.com',
      '+44 7700 900123',
      'c-6',
      'fr',
      'subscribed',
      'subscribed',
      '',
    ]);
  });

  it('refuses an empty file, a header alone, and a file over the size limit, keeping nothing', async () => {
    const { workspaceId, editor } = await setup();
    const empty = await receiveUpload({
      workspaceId,
      adminId: editor.adminId,
      fileName: 'a.csv',
      body: bytesOf(''),
    });
    expect(empty).toMatchObject({ ok: false, status: 400 });
    const headerOnly = await receiveUpload({
      workspaceId,
      adminId: editor.adminId,
      fileName: 'a.csv',
      body: bytesOf('email\r\n'),
    });
    expect(headerOnly).toMatchObject({ ok: false, status: 400 });
    const big = await receiveUpload({
      workspaceId,
      adminId: editor.adminId,
      fileName: 'a.csv',
      body: bytesOf(FILE),
      maxBytes: 100,
    });
    expect(big).toMatchObject({ ok: false, status: 413 });
    const dbh = await db();
    const left = await dbh.select().from(imports).where(eq(imports.workspaceId, workspaceId));
    expect(left).toEqual([]);
  });
  it('a new upload drops the error-report rows of imports finished over 30 days ago, and uploads never started for a week', async () => {
    const { workspaceId, editor } = await setup();
    const old = await uploaded(workspaceId, editor.adminId);
    await startImport({ workspaceId, importId: old, adminId: editor.adminId });
    await runToEnd(old, workspaceId);
    const forgotten = await uploaded(workspaceId, editor.adminId);
    const dbh = await db();
    const kept = await importRowsPage(dbh, { importId: old, afterRow: 0, limit: 100 });
    expect(kept.length).toBeGreaterThan(0);
    await dbh
      .update(imports)
      .set({ finishedAt: new Date(Date.now() - 31 * 86_400_000) })
      .where(eq(imports.id, old));
    await dbh
      .update(imports)
      .set({ createdAt: new Date(Date.now() - 8 * 86_400_000) })
      .where(eq(imports.id, forgotten));
    await uploaded(workspaceId, editor.adminId);
    expect(await importRowsPage(dbh, { importId: old, afterRow: 0, limit: 100 })).toEqual([]);
    expect(await importForAdmin(workspaceId, old)).toMatchObject({ status: 'done', errorCount: 5 });
    expect(await importForAdmin(workspaceId, forgotten)).toBeUndefined();
  });
});

describe('the dry run', () => {
  it('counts valid, invalid and skipped rows (opted out, erased, duplicates) with a reason each, writing nothing', async () => {
    const { workspaceId, editor } = await setup();
    const before = await eventCount(workspaceId);
    const id = await uploaded(workspaceId, editor.adminId);
    const preview = (await importForAdmin(workspaceId, id))?.preview as Record<string, unknown>;
    expect(preview).toMatchObject({
      total: 13,
      valid: 4,
      newSubscribers: 3,
      existingSubscribers: 1,
      invalid: 5,
      skipped: { optedOut: 2, suppressed: 1, duplicates: 1 },
    });
    const problems = preview.problems as { row: number; kind: string; reason: string }[];
    expect(problems.map((p) => [p.row, p.kind])).toEqual([
      [4, 'error'],
      [5, 'error'],
      [6, 'skipped'],
      [7, 'skipped'],
      [8, 'skipped'],
      [10, 'error'],
      [11, 'error'],
      [12, 'error'],
      [14, 'skipped'],
    ]);
    expect(problems.find((p) => p.row === 14)?.reason).toMatch(
      /opted out of every message by Email themselves/,
    );
    expect(problems.find((p) => p.row === 4)?.reason).toMatch(/not a valid email address/);
    expect(problems.find((p) => p.row === 5)?.reason).toMatch(/international format/);
    expect(problems.find((p) => p.row === 6)?.reason).toBe(
      'The same email address as row 2, which is imported instead.',
    );
    expect(problems.find((p) => p.row === 7)?.reason).toMatch(
      /opted out of promotions by Email themselves/,
    );
    expect(problems.find((p) => p.row === 8)?.reason).toMatch(/erased/);
    expect(problems.find((p) => p.row === 11)?.reason).toMatch(/not a consent/);
    const sample = preview.sample as { row: number; action: string; email: string }[];
    expect(sample.map((s) => [s.row, s.action, s.email])).toEqual([
      [2, 'create', 'new1@example.com'],
      [3, 'create', 'new2@example.com'],
      [9, 'update', null],
      [13, 'create', 'new6@example.com'],
    ]);
    expect(await eventCount(workspaceId)).toBe(before);
  });

  it('a new mapping gives a new preview: without the consent columns nothing is refused for Olga', async () => {
    const { workspace, workspaceId, editor } = await setup();
    const id = await uploaded(workspaceId, editor.adminId);
    const values = mappingFormValues(id, (await importForAdmin(workspaceId, id))?.mapping ?? null, [
      { slug: 'promotions', channels: ['email', 'sms', 'whatsapp', 'push'] },
      { slug: 'product-news', channels: ['email', 'push'] },
    ]);
    const result = await runAdminAction(
      { session: editor, workspaceSlug: workspace.slug, input: { ...values, consents: [] } },
      previewImportCommand.spec,
      previewImportCommand.run,
    );
    expect(result).toMatchObject({ ok: true, data: { skipped: { optedOut: 0 } } });
    // A column used twice is refused by the form's schema.
    const twice = await runAdminAction(
      { session: editor, workspaceSlug: workspace.slug, input: { ...values, phone: values.email } },
      previewImportCommand.spec,
      previewImportCommand.run,
    );
    expect(twice).toMatchObject({ ok: false, code: 'validation' });
  });
});

describe('applying', () => {
  it('applies valid rows through the one door with source import; never re-subscribes Olga or re-adds Erin; no duplicates', async () => {
    const { workspaceId, categoryIds, olga, eve, gus, editor } = await setup();
    const id = await uploaded(workspaceId, editor.adminId);
    await startImport({ workspaceId, importId: id, adminId: editor.adminId, ip: '203.0.113.9' });
    await runToEnd(id, workspaceId);

    const imp = await importForAdmin(workspaceId, id);
    expect(imp).toMatchObject({
      status: 'done',
      createdCount: 3,
      updatedCount: 1,
      skippedCount: 4,
      errorCount: 5,
    });
    expect(progressOf(imp as NonNullable<typeof imp>)).toMatchObject({
      percent: 100,
      done: 13,
      total: 13,
    });

    const dbh = await db();
    const people = await dbh
      .select({
        id: subscribers.id,
        email: subscribers.email,
        phone: subscribers.phone,
        locale: subscribers.locale,
      })
      .from(subscribers)
      .where(eq(subscribers.workspaceId, workspaceId));
    // Olga, Erin (erased, no address), Eve, Gus + three new ones: no duplicate of anyone.
    expect(people).toHaveLength(7);
    expect(people.filter((p) => p.email === 'new1@example.com')).toHaveLength(1);
    expect(people.find((p) => p.email === 'new2@example.com')?.locale).toBe('es');
    expect(people.find((p) => p.email === 'new6@example.com')?.phone).toBe('+447700900123');
    expect(people.some((p) => p.email === 'erin@example.com')).toBe(false);

    // Olga stays opted out, by her own act.
    expect(await subscriptionOf(olga.id, categoryIds.promotions as string, 'email')).toMatchObject({
      status: 'unsubscribed',
      ownOptOut: true,
    });
    expect(await subscriptionOf(eve.id, categoryIds.promotions as string, 'email')).toMatchObject({
      status: 'subscribed',
    });
    const new2 = people.find((p) => p.email === 'new2@example.com');
    expect(
      await subscriptionOf(new2?.id as string, categoryIds.promotions as string, 'sms'),
    ).toMatchObject({
      status: 'unsubscribed',
      ownOptOut: false,
    });
    const events = await dbh
      .select({ source: consentEvents.source, subscriberId: consentEvents.subscriberId })
      .from(consentEvents)
      .where(and(eq(consentEvents.workspaceId, workspaceId), eq(consentEvents.source, 'import')));
    // new1: 2, new2: 2, Eve: 1, new6: 2.
    expect(events).toHaveLength(7);
    expect(events.some((e) => e.subscriberId === olga.id || e.subscriberId === gus.id)).toBe(false);

    // Only the problem rows keep their values, for the error report.
    const report = parseCsv(
      await text(csvChunks(errorReportLines(imp as NonNullable<typeof imp>))),
    );
    expect(report[0]?.cells).toEqual([
      'row',
      'Email',
      'Phone',
      'External ID',
      'Locale',
      'promotions:email',
      'promotions:sms',
      'product-news:email',
      'outcome',
      'reason',
    ]);
    expect(report.slice(1).map((r) => [r.cells[0], r.cells[8]])).toEqual([
      ['4', 'error'],
      ['5', 'error'],
      ['6', 'skipped'],
      ['7', 'skipped'],
      ['8', 'skipped'],
      ['10', 'error'],
      ['11', 'error'],
      ['12', 'error'],
      ['14', 'skipped'],
    ]);
    expect(report[1]?.cells[1]).toBe('not-an-email');
    const left = await importRowsPage(dbh, { importId: id, afterRow: 0, limit: 100 });
    expect(left.map((r) => r.row)).toEqual([4, 5, 6, 7, 8, 10, 11, 12, 14]);

    const audit = (await auditLogPage({ workspaceId })).entries;
    expect(audit[0]).toMatchObject({
      action: 'import.start',
      target: 'customers.csv',
      ip: '203.0.113.9',
      detail: { importId: id, rows: 13 },
    });
  });

  it('resumes after a crash mid-import from the last committed batch, with no event written twice', async () => {
    const { workspaceId, editor } = await setup();
    const lines = ['email,promotions:email'];
    for (let i = 0; i < 10; i++) lines.push(`crash${i}@example.com,subscribed`);
    const id = await uploaded(workspaceId, editor.adminId, lines.join('\n'));
    await startImport({ workspaceId, importId: id, adminId: editor.adminId });
    const before = await eventCount(workspaceId);

    // Batch one commits; batch two dies after its writes, before its commit.
    await processImportBatch(id, { batchSize: 4 });
    await expect(
      processImportBatch(id, {
        batchSize: 4,
        beforeCommit: () => {
          throw new Error('the process died');
        },
      }),
    ).rejects.toThrow('the process died');
    let imp = await importForAdmin(workspaceId, id);
    expect(imp).toMatchObject({ status: 'running', doneRows: 5, createdCount: 4 });
    expect(await eventCount(workspaceId)).toBe(before + 4);

    // The job runs again (twice even, as a retried and a duplicated job would): each row once.
    await runImportJob({ workspaceId, attempts: 2, payload: { importId: id } }, { batchSize: 4 });
    await runImportJob({ workspaceId, attempts: 1, payload: { importId: id } }, { batchSize: 4 });
    imp = await importForAdmin(workspaceId, id);
    expect(imp).toMatchObject({ status: 'done', createdCount: 10, errorCount: 0, skippedCount: 0 });
    expect(await eventCount(workspaceId)).toBe(before + 10);
    const dbh = await db();
    const chains = await dbh
      .select({ subscriberId: consentEvents.subscriberId, n: count() })
      .from(consentEvents)
      .where(eq(consentEvents.workspaceId, workspaceId))
      .groupBy(consentEvents.subscriberId);
    const imported = await dbh
      .select({ id: subscribers.id })
      .from(subscribers)
      .where(
        and(eq(subscribers.workspaceId, workspaceId), sql`${subscribers.email} like 'crash%'`),
      );
    expect(imported).toHaveLength(10);
    const ids = new Set(imported.map((s) => s.id));
    expect(chains.filter((c) => ids.has(c.subscriberId)).every((c) => c.n === 1)).toBe(true);
  });

  it('a job that runs out of its time hands over to a new job instead of holding the worker', async () => {
    const { workspaceId, editor } = await setup();
    const lines = ['email'];
    for (let i = 0; i < 6; i++) lines.push(`slice${i}@example.com`);
    const id = await uploaded(workspaceId, editor.adminId, lines.join('\n'));
    await startImport({ workspaceId, importId: id, adminId: editor.adminId });
    await runImportJob(
      { workspaceId, attempts: 1, payload: { importId: id } },
      { batchSize: 2, sliceMs: 0 },
    );
    expect(await importForAdmin(workspaceId, id)).toMatchObject({ status: 'running', doneRows: 3 });
    const dbh = await db();
    const jobs = await dbh
      .select({ payload: outbox.payload })
      .from(outbox)
      .where(and(eq(outbox.workspaceId, workspaceId), eq(outbox.kind, IMPORT_JOB)));
    expect(jobs.filter((j) => j.payload.importId === id)).toHaveLength(2); // the start's and the hand-over
  });

  it('a started import cannot be started again or re-mapped; another workspace cannot start it', async () => {
    const { workspace, workspaceId, editor } = await setup();
    const other = await makeWorkspace('imp-other');
    const id = await uploaded(workspaceId, editor.adminId);
    await expect(
      startImport({ workspaceId: other.workspaceId, importId: id, adminId: editor.adminId }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const started = await runAdminAction(
      { session: editor, workspaceSlug: workspace.slug, input: { importId: id } },
      startImportCommand.spec,
      startImportCommand.run,
    );
    expect(started).toMatchObject({ ok: true, data: { importId: id } });
    const again = await runAdminAction(
      { session: editor, workspaceSlug: workspace.slug, input: { importId: id } },
      startImportCommand.spec,
      startImportCommand.run,
    );
    expect(again).toMatchObject({ ok: false, code: 'conflict' });
    const mapping = (await importForAdmin(workspaceId, id))?.mapping;
    await expect(
      previewImport(workspaceId, id, mapping as NonNullable<typeof mapping>),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a viewer cannot preview or start an import; an editor of another workspace gets not_found', async () => {
    const { workspace, workspaceId, editor } = await setup();
    const id = await uploaded(workspaceId, editor.adminId);
    const viewer = await createAdmin({
      email: `v-${randomUUID().slice(0, 8)}@example.com`,
      workspaceSlug: workspace.slug,
      role: 'viewer',
    });
    const other = await makeWorkspace('imp-b');
    const outsider = await createAdmin({
      email: `o-${randomUUID().slice(0, 8)}@example.com`,
      workspaceSlug: other.workspace.slug,
      role: 'owner',
    });
    const values = mappingFormValues(id, null, []);
    for (const [session, code] of [
      [viewer, 'forbidden'],
      [outsider, 'not_found'],
      [null, 'unauthenticated'],
    ] as const) {
      expect(
        await runAdminAction(
          { session, workspaceSlug: workspace.slug, input: { importId: id } },
          startImportCommand.spec,
          startImportCommand.run,
        ),
      ).toMatchObject({ ok: false, code });
      expect(
        await runAdminAction(
          { session, workspaceSlug: workspace.slug, input: { ...values, email: '0' } },
          previewImportCommand.spec,
          previewImportCommand.run,
        ),
      ).toMatchObject({ ok: false, code });
    }
    // The outsider's own workspace does not have the import either.
    expect(
      await runAdminAction(
        { session: outsider, workspaceSlug: other.workspace.slug, input: { importId: id } },
        startImportCommand.spec,
        startImportCommand.run,
      ),
    ).toMatchObject({ ok: false, code: 'not_found' });
    expect((await importForAdmin(workspaceId, id))?.status).toBe('uploaded');
  });
});

async function text(chunks: AsyncIterable<string>) {
  let out = '';
  for await (const c of chunks) out += c;
  return out;
}
