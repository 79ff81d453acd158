import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import { AdminAccessError, requireAdmin, requireSignedInAdmin, roleAtLeast } from './admin-guard';
import { createAdmin } from './admins';
import { makeWorkspace } from './test-fixtures';

afterAll(() => closeDb());

const newEmail = () => `admin-${randomUUID().slice(0, 8)}@example.com`;

async function adminOf(slug: string, role: string, email = newEmail()) {
  const created = await createAdmin({ email, workspaceSlug: slug, role });
  return { adminId: created.adminId, email };
}

async function refusal(promise: Promise<unknown>): Promise<AdminAccessError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdminAccessError);
  return error as AdminAccessError;
}

describe('the admin guard', () => {
  it('orders roles viewer < editor < owner', () => {
    expect(roleAtLeast('viewer', 'viewer')).toBe(true);
    expect(roleAtLeast('viewer', 'editor')).toBe(false);
    expect(roleAtLeast('editor', 'viewer')).toBe(true);
    expect(roleAtLeast('editor', 'owner')).toBe(false);
    expect(roleAtLeast('owner', 'editor')).toBe(true);
    expect(roleAtLeast('owner', 'owner')).toBe(true);
  });

  it('lets each role through up to its own level, and refuses above it with 403', async () => {
    const { workspace } = await makeWorkspace('guard');
    const viewer = await adminOf(workspace.slug, 'viewer');
    const editor = await adminOf(workspace.slug, 'editor');
    const owner = await adminOf(workspace.slug, 'owner');

    const access = await requireAdmin({ adminId: viewer.adminId }, workspace.slug, 'viewer');
    expect(access).toMatchObject({
      admin: { id: viewer.adminId, email: viewer.email },
      workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name },
      role: 'viewer',
    });
    const viewerAsEditor = await refusal(
      requireAdmin({ adminId: viewer.adminId }, workspace.slug, 'editor'),
    );
    expect([viewerAsEditor.code, viewerAsEditor.status]).toEqual(['forbidden', 403]);

    expect((await requireAdmin({ adminId: editor.adminId }, workspace.slug, 'editor')).role).toBe(
      'editor',
    );
    expect(
      (await refusal(requireAdmin({ adminId: editor.adminId }, workspace.slug, 'owner'))).status,
    ).toBe(403);

    for (const minimum of ['viewer', 'editor', 'owner'] as const) {
      expect((await requireAdmin({ adminId: owner.adminId }, workspace.slug, minimum)).role).toBe(
        'owner',
      );
    }
  });

  it('answers 404 for another workspace, exactly as for one that does not exist', async () => {
    const a = await makeWorkspace('guard-a');
    const b = await makeWorkspace('guard-b');
    const owner = await adminOf(a.workspace.slug, 'owner');
    const other = await refusal(
      requireAdmin({ adminId: owner.adminId }, b.workspace.slug, 'viewer'),
    );
    const missing = await refusal(
      requireAdmin({ adminId: owner.adminId }, `no-such-${randomUUID().slice(0, 8)}`, 'viewer'),
    );
    expect([other.code, other.status, other.message]).toEqual(['not_found', 404, missing.message]);
    expect(missing.status).toBe(404);
  });

  it('answers 401 without a session, with a malformed one, or for an unknown admin', async () => {
    const { workspace } = await makeWorkspace('guard-anon');
    for (const session of [
      null,
      undefined,
      { adminId: '' },
      { adminId: 'not-a-uuid' },
      { adminId: randomUUID() },
    ]) {
      const error = await refusal(requireAdmin(session, workspace.slug, 'viewer'));
      expect([error.code, error.status]).toEqual(['unauthenticated', 401]);
      expect((await refusal(requireSignedInAdmin(session))).status).toBe(401);
    }
  });

  it('reads the role fresh on every call: a change takes effect at the next action', async () => {
    const { workspace } = await makeWorkspace('guard-fresh');
    const email = newEmail();
    const { adminId } = await adminOf(workspace.slug, 'owner', email);
    const session = { adminId };
    expect((await requireAdmin(session, workspace.slug, 'owner')).role).toBe('owner');

    await createAdmin({ email, workspaceSlug: workspace.slug, role: 'viewer' });
    expect((await refusal(requireAdmin(session, workspace.slug, 'editor'))).status).toBe(403);
    expect((await requireAdmin(session, workspace.slug, 'viewer')).role).toBe('viewer');

    await createAdmin({ email, workspaceSlug: workspace.slug, role: 'editor' });
    expect((await requireAdmin(session, workspace.slug, 'editor')).role).toBe('editor');
  });

  it('lets an admin of several workspaces into each, with the role of each', async () => {
    const a = await makeWorkspace('guard-multi-a');
    const b = await makeWorkspace('guard-multi-b');
    const email = newEmail();
    const { adminId } = await adminOf(a.workspace.slug, 'owner', email);
    await adminOf(b.workspace.slug, 'viewer', email);
    expect((await requireAdmin({ adminId }, a.workspace.slug, 'owner')).workspace.id).toBe(
      a.workspace.id,
    );
    expect((await requireAdmin({ adminId }, b.workspace.slug, 'viewer')).role).toBe('viewer');
    expect((await refusal(requireAdmin({ adminId }, b.workspace.slug, 'editor'))).status).toBe(403);
  });
});
