import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { closeDb, db } from '@/db/client';
import { type AdminRole, apiKeys, auditLog } from '@/db/schema';
import { postCheck } from '@/http/v1/check';
import { type AdminActionContext, runAdminAction } from './admin-actions';
import { API_KEY_SCOPES as FORM_SCOPES } from './admin-api-key-validation';
import { apiKeysForAdmin, createApiKeyCommand, revokeApiKeyCommand } from './admin-api-keys';
import { createAdmin } from './admins';
import { API_SCOPES, authenticateApiKey, createApiKey, hashApiKey, revokeKey } from './api-keys';
import { auditLogPage } from './audit';
import { makeWorkspace } from './test-fixtures';

// Opening PGlite and migrating takes a while on a busy machine: in the hook, not the first test.
beforeAll(async () => {
  await db();
});
afterAll(() => closeDb());

type Command<S extends z.ZodType, T> = {
  spec: { schema: S; role: AdminRole };
  run: (input: z.output<S>, context: AdminActionContext) => Promise<T>;
};

async function member(workspaceSlug: string, role: AdminRole) {
  const { adminId } = await createAdmin({
    email: `key-${role}-${randomUUID().slice(0, 8)}@example.com`,
    workspaceSlug,
    role,
  });
  return { adminId };
}

/** A workspace with an owner, an editor and a viewer; `as(session)` runs a command as them. */
async function setup() {
  const made = await makeWorkspace('keys');
  const slug = made.workspace.slug;
  const owner = await member(slug, 'owner');
  const editor = await member(slug, 'editor');
  const viewer = await member(slug, 'viewer');
  const as =
    (session: { adminId: string }, workspaceSlug = slug) =>
    <S extends z.ZodType, T>(command: Command<S, T>, input: unknown) =>
      runAdminAction(
        { session, workspaceSlug, input, ip: '203.0.113.9' },
        command.spec,
        command.run,
      );
  return {
    ...made,
    owner: as(owner),
    editor: as(editor),
    viewer: as(viewer),
    ownerSession: owner,
    as,
  };
}

function check(key: string) {
  return postCheck(
    new Request('http://dial.test/api/v1/check', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        subscriber: { email: 'someone@example.com' },
        category: 'promotions',
        channel: 'email',
      }),
    }),
  );
}

describe('API keys in the admin console', () => {
  it('the form offers exactly the scopes the API knows', () => {
    expect([...FORM_SCOPES]).toEqual([...API_SCOPES]);
  });

  it('an owner creates a key: answered once in full, stored only as a hash, audited without it', async () => {
    const { workspaceId, owner } = await setup();
    const created = await owner(createApiKeyCommand, {
      name: '  Newsletter sender ',
      scope: 'check',
    });
    if (!created.ok) throw new Error(created.message);
    const { key, id, prefix } = created.data;
    expect(key).toMatch(/^dial_[A-Za-z0-9_-]{32}$/);
    expect(created.data).toMatchObject({ name: 'Newsletter sender', scope: 'check' });
    expect(key.startsWith(prefix)).toBe(true);

    const [row] = await (await db()).select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(row?.hash).toBe(hashApiKey(key));
    expect(JSON.stringify(row)).not.toContain(key);

    // The list never carries the key or its hash: only what tells keys apart.
    const list = await apiKeysForAdmin(workspaceId);
    expect(list).toEqual([
      expect.objectContaining({
        id,
        name: 'Newsletter sender',
        scope: 'check',
        prefix,
        revokedAt: null,
      }),
    ]);
    expect(JSON.stringify(list)).not.toContain(key);
    expect(JSON.stringify(list)).not.toContain(hashApiKey(key));

    const entries = await (await db())
      .select()
      .from(auditLog)
      .where(eq(auditLog.workspaceId, workspaceId));
    const entry = entries.find((e) => e.action === 'api_key.create');
    expect(entry).toMatchObject({
      target: 'Newsletter sender',
      detail: { keyId: id, scope: 'check', prefix },
      ip: '203.0.113.9',
    });
    expect(JSON.stringify(entries)).not.toContain(key);

    // It works against the API with the scope chosen.
    expect(await authenticateApiKey(key)).toMatchObject({ keyId: id, workspaceId, scope: 'check' });
    expect((await check(key)).status).toBe(200);
  });

  it('refuses a key without a name or with an unknown scope, next to the field', async () => {
    const { workspaceId, owner } = await setup();
    expect(await owner(createApiKeyCommand, { name: '   ', scope: 'write' })).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: { name: expect.stringContaining('Give the key a name') },
    });
    expect(await owner(createApiKeyCommand, { name: 'x', scope: 'admin' })).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: { scope: 'Choose what the key may do.' },
    });
    expect(await apiKeysForAdmin(workspaceId)).toEqual([]);
  });

  it('a revoked key is refused by the API at once, though it was just used (and cached)', async () => {
    const { workspaceId, owner } = await setup();
    const created = await owner(createApiKeyCommand, { name: 'Sender', scope: 'write' });
    if (!created.ok) throw new Error(created.message);
    const { key, id } = created.data;
    // Used twice: the second call is answered from the key cache.
    expect((await check(key)).status).toBe(200);
    expect((await check(key)).status).toBe(200);

    const revoked = await owner(revokeApiKeyCommand, { keyId: id });
    expect(revoked).toMatchObject({ ok: true, data: { id, name: 'Sender', changed: true } });
    const refused = await check(key);
    expect(refused.status).toBe(401);
    expect((await refused.json()).detail).toBe('This API key is unknown or revoked.');
    expect(await authenticateApiKey(key)).toBeUndefined();

    const [listed] = await apiKeysForAdmin(workspaceId);
    expect(listed?.revokedAt).toBeInstanceOf(Date);
    const revokedAt = listed?.revokedAt;

    // Twice revoked is revoked once: same time, one audit entry.
    expect(await owner(revokeApiKeyCommand, { keyId: id })).toMatchObject({
      ok: true,
      data: { changed: false },
    });
    expect((await apiKeysForAdmin(workspaceId))[0]?.revokedAt).toEqual(revokedAt);
    const { entries } = await auditLogPage({ workspaceId });
    expect(entries.filter((e) => e.action === 'api_key.revoke')).toEqual([
      expect.objectContaining({
        target: 'Sender',
        detail: { keyId: id, prefix: created.data.prefix },
      }),
    ]);
  });

  it('a key revoked by another instance (this cache not cleared) is refused once the cache entry is 10 s old', async () => {
    const { workspaceId } = await setup();
    const { key, id } = await createApiKey({ workspaceId, name: 'Elsewhere', scope: 'check' });
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    try {
      expect(await authenticateApiKey(key)).toBeDefined(); // cached now
      // Revoked in the database only, as another instance would (its own cache is not this one).
      await (await db())
        .update(apiKeys)
        .set({ revokedAt: new Date(now) })
        .where(eq(apiKeys.id, id));
      clock.mockReturnValue(now + 10_001);
      expect(await authenticateApiKey(key)).toBeUndefined();
    } finally {
      clock.mockRestore();
    }
    // And revokeKey (the CLI's way) clears the cache as well.
    const other = await createApiKey({ workspaceId, name: 'CLI', scope: 'check' });
    expect(await authenticateApiKey(other.key)).toBeDefined();
    expect(await revokeKey(workspaceId, other.id)).toBe(true);
    expect(await authenticateApiKey(other.key)).toBeUndefined();
  });

  it('only an owner: a viewer and an editor are refused both commands, and nothing changes', async () => {
    const { workspaceId, editor, viewer } = await setup();
    const live = await createApiKey({ workspaceId, name: 'Existing', scope: 'read' });
    for (const as of [viewer, editor]) {
      expect(await as(createApiKeyCommand, { name: 'Mine', scope: 'write' })).toMatchObject({
        ok: false,
        code: 'forbidden',
      });
      expect(await as(revokeApiKeyCommand, { keyId: live.id })).toMatchObject({
        ok: false,
        code: 'forbidden',
      });
    }
    const list = await apiKeysForAdmin(workspaceId);
    expect(list.map((k) => [k.name, k.revokedAt])).toEqual([['Existing', null]]);
    expect(await authenticateApiKey(live.key)).toBeDefined();
  });

  it('an owner of workspace A gets not_found for workspace B, and cannot revoke B’s key from A', async () => {
    const a = await setup();
    const b = await setup();
    const bKey = await createApiKey({ workspaceId: b.workspaceId, name: 'B key' });
    // Through B's slug: not a member, so no such workspace.
    expect(
      await a.as(a.ownerSession, b.workspace.slug)(createApiKeyCommand, {
        name: 'x',
        scope: 'read',
      }),
    ).toMatchObject({ ok: false, code: 'not_found' });
    expect(
      await a.as(a.ownerSession, b.workspace.slug)(revokeApiKeyCommand, { keyId: bKey.id }),
    ).toMatchObject({ ok: false, code: 'not_found' });
    // Through A's own slug with B's key id: not A's key.
    expect(await a.owner(revokeApiKeyCommand, { keyId: bKey.id })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await authenticateApiKey(bKey.key)).toBeDefined();
    expect(await apiKeysForAdmin(b.workspaceId)).toEqual([
      expect.objectContaining({ name: 'B key', revokedAt: null }),
    ]);
  });
});
