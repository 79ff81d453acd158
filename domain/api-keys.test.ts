import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/db/client';
import { revokeApiKey } from '@/db/queries/api-keys';
import {
  authenticateApiKey,
  clearApiKeyCache,
  createApiKey,
  knownApiCaller,
  revokeKey,
} from './api-keys';
import { makeWorkspace } from './test-fixtures';

beforeAll(async () => {
  await db();
});
afterAll(() => closeDb());

describe('the API key cache', () => {
  it('answers a revoked key as unknown from the next call on this instance', async () => {
    const { workspaceId } = await makeWorkspace('keycache');
    const { key, id } = await createApiKey({ workspaceId, scope: 'check' });
    expect(knownApiCaller(key)).toBeUndefined(); // not looked up yet
    expect(await authenticateApiKey(key)).toMatchObject({ keyId: id, scope: 'check' });
    expect(knownApiCaller(key)).toMatchObject({ keyId: id, scope: 'check' });
    expect(await revokeKey(workspaceId, id)).toBe(true);
    expect(knownApiCaller(key)).toBeUndefined();
    expect(await authenticateApiKey(key)).toBeUndefined();
    expect(knownApiCaller(key)).toBeUndefined();
  });

  it('knows a key at once only as it was looked up, and never an unknown one', async () => {
    const { workspaceId } = await makeWorkspace('keycache');
    const { key } = await createApiKey({ workspaceId, scope: 'write' });
    await authenticateApiKey(key);
    expect(knownApiCaller(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(knownApiCaller(key)?.workspaceId).toBe(workspaceId);
    clearApiKeyCache();
    expect(knownApiCaller(key)).toBeUndefined();
  });

  it('does not remember what a lookup read when the cache was cleared while it was reading', async () => {
    const { workspaceId } = await makeWorkspace('keycache');
    const { key, id } = await createApiKey({ workspaceId, scope: 'write' });
    // A request's lookup is under way when a revocation commits and clears the cache...
    const during = authenticateApiKey(key);
    clearApiKeyCache();
    await revokeApiKey(await db(), workspaceId, id);
    // ...it may answer what it read, once,
    expect(await during).toMatchObject({ keyId: id });
    // but the next request reads again and is refused.
    expect(await authenticateApiKey(key)).toBeUndefined();
  });
});
