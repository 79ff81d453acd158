import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, type Db, db } from '@/db/client';
import { insertSigningKey, listSigningKeys } from '@/db/queries/signing-keys';
import { workspaces } from '@/db/schema';
import {
  clearKeyringCache,
  ensureSigningKey,
  issueLink,
  keyringFor,
  revokeSigningKey,
  rotateSigningKey,
  spendToken,
  UnknownWorkspaceError,
  verifyLink,
} from './signing-keys';
import { verifyToken } from './tokens';

let database: Db;

async function createWorkspace(): Promise<string> {
  const slug = `ws-${randomUUID().slice(0, 8)}`;
  const [row] = await database
    .insert(workspaces)
    .values({ slug, name: slug })
    .returning({ id: workspaces.id });
  if (!row) throw new Error('workspace insert returned nothing');
  return row.id;
}

beforeAll(async () => {
  database = await db();
});

afterAll(async () => {
  await closeDb();
});

describe('workspace signing keys', () => {
  it('creates one active key, once', async () => {
    const workspaceId = await createWorkspace();
    const kid = await ensureSigningKey(workspaceId);
    expect(await ensureSigningKey(workspaceId)).toBe(kid);
    const keys = await listSigningKeys(database, workspaceId);
    expect(keys).toEqual([expect.objectContaining({ kid, status: 'active', retiredAt: null })]);
  });

  it('refuses to create a key for a workspace that does not exist', async () => {
    await expect(ensureSigningKey(randomUUID())).rejects.toBeInstanceOf(UnknownWorkspaceError);
  });

  it('issues links that verify for their workspace and purpose', async () => {
    const workspaceId = await createWorkspace();
    await ensureSigningKey(workspaceId);
    const subscriberId = randomUUID();
    const token = await issueLink({
      workspaceId,
      subscriberId,
      purpose: 'preferences',
      channel: 'email',
    });
    const result = await verifyLink(token, { workspaceId, purpose: 'preferences' });
    expect(result).toMatchObject({
      ok: true,
      claims: { workspaceId, subscriberId, channel: 'email' },
    });
    if (!result.ok) return;
    // The configured default lifetime (DIAL_PREFERENCES_LINK_DAYS, 90 unless set).
    const days =
      ((result.claims.expiresAt?.getTime() ?? 0) - result.claims.issuedAt.getTime()) / 86_400_000;
    expect(days).toBe(90);
    expect(await verifyLink(token)).toMatchObject({ ok: true });
    expect(await verifyLink(token, { purpose: 'unsubscribe' })).toEqual({
      ok: false,
      reason: 'wrong_purpose',
    });
  });

  it('creates the first key on demand when issuing a link', async () => {
    const workspaceId = await createWorkspace();
    const token = await issueLink({
      workspaceId,
      subscriberId: randomUUID(),
      purpose: 'unsubscribe',
    });
    expect((await verifyLink(token, { workspaceId })).ok).toBe(true);
    expect(await listSigningKeys(database, workspaceId)).toHaveLength(1);
  });

  it('keeps old links working after a rotation, and signs new ones with the new key', async () => {
    const workspaceId = await createWorkspace();
    const first = await ensureSigningKey(workspaceId);
    const old = await issueLink({
      workspaceId,
      subscriberId: randomUUID(),
      purpose: 'unsubscribe',
    });
    await keyringFor(workspaceId); // warm the cache: rotating must clear it

    const second = await rotateSigningKey(workspaceId);
    expect(second).not.toBe(first);
    const keys = await listSigningKeys(database, workspaceId);
    expect(keys.find((k) => k.kid === first)).toMatchObject({
      status: 'verify_only',
      retiredAt: expect.any(Date),
    });
    expect(keys.find((k) => k.kid === second)).toMatchObject({ status: 'active', retiredAt: null });

    expect((await verifyLink(old, { workspaceId })).ok).toBe(true);
    const fresh = await issueLink({
      workspaceId,
      subscriberId: randomUUID(),
      purpose: 'unsubscribe',
    });
    expect(fresh.split('.')[1]).toBe(second);
  });

  it('refuses links of a revoked key at once, and keeps the workspace able to sign', async () => {
    const workspaceId = await createWorkspace();
    const first = await ensureSigningKey(workspaceId);
    const token = await issueLink({
      workspaceId,
      subscriberId: randomUUID(),
      purpose: 'unsubscribe',
    });
    expect((await verifyLink(token, { workspaceId })).ok).toBe(true); // cached keyring

    const outcome = await revokeSigningKey(workspaceId, first);
    expect(outcome).toEqual({ revoked: true, replacedBy: expect.stringMatching(/^k_/) });
    expect(await verifyLink(token, { workspaceId })).toEqual({ ok: false, reason: 'revoked_key' });

    const fresh = await issueLink({
      workspaceId,
      subscriberId: randomUUID(),
      purpose: 'unsubscribe',
    });
    expect(fresh.split('.')[1]).toBe(outcome.replacedBy);
    expect((await verifyLink(fresh, { workspaceId })).ok).toBe(true);
  });

  it('revokes a rotated-out key without replacing the active one', async () => {
    const workspaceId = await createWorkspace();
    const first = await ensureSigningKey(workspaceId);
    const old = await issueLink({
      workspaceId,
      subscriberId: randomUUID(),
      purpose: 'unsubscribe',
    });
    const second = await rotateSigningKey(workspaceId);
    expect(await revokeSigningKey(workspaceId, first)).toEqual({ revoked: true, replacedBy: null });
    expect(await verifyLink(old, { workspaceId })).toEqual({ ok: false, reason: 'revoked_key' });
    const statuses = (await listSigningKeys(database, workspaceId)).map((k) => [k.kid, k.status]);
    expect(statuses).toEqual(
      expect.arrayContaining([
        [first, 'revoked'],
        [second, 'active'],
      ]),
    );
  });

  it("cannot revoke another workspace's key", async () => {
    const a = await createWorkspace();
    const b = await createWorkspace();
    const kidA = await ensureSigningKey(a);
    await ensureSigningKey(b);
    expect(await revokeSigningKey(b, kidA)).toEqual({ revoked: false, replacedBy: null });
    expect((await listSigningKeys(database, a))[0]).toMatchObject({ kid: kidA, status: 'active' });
  });

  it("never verifies workspace A's links with workspace B's keys", async () => {
    const a = await createWorkspace();
    const b = await createWorkspace();
    await ensureSigningKey(a);
    await ensureSigningKey(b);
    const token = await issueLink({
      workspaceId: a,
      subscriberId: randomUUID(),
      purpose: 'preferences',
    });

    const ringB = await keyringFor(b);
    expect(verifyToken(ringB, token, { workspaceId: b })).toEqual({
      ok: false,
      reason: 'unknown_key',
    });
    expect(verifyToken(ringB, token, { workspaceId: a })).toEqual({
      ok: false,
      reason: 'unknown_key',
    });
    expect(await verifyLink(token, { workspaceId: b })).toEqual({
      ok: false,
      reason: 'wrong_workspace',
    });
    expect((await verifyLink(token, { workspaceId: a })).ok).toBe(true);
  });

  it('spends a single-use token once', async () => {
    const workspaceId = await createWorkspace();
    const token = await issueLink({
      workspaceId,
      subscriberId: randomUUID(),
      purpose: 'undo',
      changeId: randomUUID(),
      validForMinutes: 10,
    });
    const result = await verifyLink(token, { workspaceId, purpose: 'undo' });
    if (!result.ok) throw new Error(`undo token refused: ${result.reason}`);
    const { jti } = result.claims;
    expect(await spendToken(database, { workspaceId, jti })).toBe(true);
    expect(await spendToken(database, { workspaceId, jti })).toBe(false);
  });

  it('leaves a token unspent when the transaction that spent it rolls back', async () => {
    const workspaceId = await createWorkspace();
    const jti = randomUUID();
    await expect(
      database.transaction(async (tx) => {
        expect(await spendToken(tx, { workspaceId, jti })).toBe(true);
        throw new Error('the undo failed');
      }),
    ).rejects.toThrow('the undo failed');
    expect(await spendToken(database, { workspaceId, jti })).toBe(true);
  });

  it('caches keyrings read through a handle, but not those read inside a transaction', async () => {
    const workspaceId = await createWorkspace();
    const first = await ensureSigningKey(workspaceId);
    expect((await keyringFor(workspaceId, database)).map((k) => k.kid)).toEqual([first]);
    // Written behind the cache's back: the cached keyring is still served until it expires.
    await insertSigningKey(database, {
      kid: `k_${randomUUID().slice(0, 8)}`,
      workspaceId,
      status: 'verify_only',
    });
    expect((await keyringFor(workspaceId)).map((k) => k.kid)).toEqual([first]);

    clearKeyringCache(workspaceId);
    let rolledBack = '';
    await expect(
      database.transaction(async (tx) => {
        rolledBack = await rotateSigningKey(workspaceId, tx);
        expect((await keyringFor(workspaceId, tx)).map((k) => k.kid)).toContain(rolledBack);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    const kids = (await keyringFor(workspaceId)).map((k) => k.kid);
    expect(kids).toContain(first);
    expect(kids).not.toContain(rolledBack);
    const token = await issueLink({
      workspaceId,
      subscriberId: randomUUID(),
      purpose: 'unsubscribe',
    });
    expect(token.split('.')[1]).toBe(first);
  });

  it('answers malformed links without touching the database', async () => {
    clearKeyringCache();
    expect(await verifyLink('garbage')).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifyLink(undefined)).toEqual({ ok: false, reason: 'malformed' });
  });
});
