import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { closeDb, db } from '@/db/client';
import { runAdminAction } from './admin-actions';
import { createAdmin } from './admins';
import { auditLogPage, recordAudit } from './audit';
import { DomainError } from './errors';
import { makeWorkspace } from './test-fixtures';

afterAll(() => closeDb());

const renameSchema = z.object({ name: z.string().trim().min(1, 'Give it a name.') });
const editorRename = { schema: renameSchema, role: 'editor' as const };

async function member(role: string) {
  const { workspace } = await makeWorkspace('action');
  const { adminId } = await createAdmin({
    email: `a-${randomUUID().slice(0, 8)}@example.com`,
    workspaceSlug: workspace.slug,
    role,
  });
  return { workspace, session: { adminId } };
}

describe('runAdminAction', () => {
  it('checks the caller before anything else: no session, another workspace, a role too low', async () => {
    const { workspace, session } = await member('viewer');
    const other = await makeWorkspace('action-other');
    const run = vi.fn(async () => 'ran');

    const anonymous = await runAdminAction(
      { session: null, workspaceSlug: workspace.slug, input: { name: '' } },
      editorRename,
      run,
    );
    // Not even the invalid input is reported to someone who may not act.
    expect(anonymous).toMatchObject({ ok: false, code: 'unauthenticated' });
    const foreign = await runAdminAction(
      { session, workspaceSlug: other.workspace.slug, input: { name: 'x' } },
      { schema: renameSchema, role: 'viewer' },
      run,
    );
    expect(foreign).toMatchObject({ ok: false, code: 'not_found' });
    const tooLow = await runAdminAction(
      { session, workspaceSlug: workspace.slug, input: { name: 'x' } },
      editorRename,
      run,
    );
    expect(tooLow).toMatchObject({ ok: false, code: 'forbidden' });
    expect(run).not.toHaveBeenCalled();
  });

  it('parses with the schema, runs with the access it checked, and audits in the transaction', async () => {
    const { workspace, session } = await member('editor');
    const invalid = await runAdminAction(
      { session, workspaceSlug: workspace.slug, input: { name: '  ' } },
      editorRename,
      async () => 'never',
    );
    expect(invalid).toEqual({
      ok: false,
      code: 'validation',
      message: 'Give it a name.',
      fieldErrors: { name: 'Give it a name.' },
    });

    const done = await runAdminAction(
      { session, workspaceSlug: workspace.slug, input: { name: ' New ' }, ip: '192.0.2.1' },
      editorRename,
      async (input, context) => {
        await (await db()).transaction((tx) =>
          recordAudit(tx, {
            workspaceId: context.workspace.id,
            adminId: context.admin.id,
            action: 'workspace.rename',
            target: input.name,
            ip: context.ip,
          }),
        );
        return { name: input.name, role: context.role };
      },
    );
    expect(done).toEqual({ ok: true, data: { name: 'New', role: 'editor' } });
    const [entry] = (await auditLogPage({ workspaceId: workspace.id })).entries;
    expect(entry).toMatchObject({ action: 'workspace.rename', target: 'New', ip: '192.0.2.1' });
  });

  it("maps the domain's errors to results and hides anything unexpected", async () => {
    const { workspace, session } = await member('owner');
    const request = { session, workspaceSlug: workspace.slug, input: { name: 'x' } };
    expect(
      await runAdminAction(request, editorRename, async () => {
        throw new DomainError('conflict', 'That name is taken.');
      }),
    ).toEqual({ ok: false, code: 'conflict', message: 'That name is taken.' });
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const failed = await runAdminAction(request, editorRename, async () => {
        throw new Error('connection reset by peer at 10.0.0.7');
      });
      expect(failed).toEqual({
        ok: false,
        code: 'failed',
        message: 'That did not work. Try again in a moment.',
      });
    } finally {
      quiet.mockRestore();
    }
  });
});
