import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { closeDb, db } from '@/db/client';
import { ADMIN_ROLES, type AdminRole, mailbox, outbox } from '@/db/schema';
import { type AdminActionContext, runAdminAction } from './admin-actions';
import { requireAdmin } from './admin-guard';
import {
  changeMemberRoleCommand,
  inviteMemberCommand,
  removeMemberCommand,
  teamForAdmin,
} from './admin-team';
import { TEAM_ROLES } from './admin-team-validation';
import { ADMIN_SIGN_IN_LINK, createAdmin, sendAdminSignInLink, signInWithToken } from './admins';
import { auditLogPage } from './audit';
import type { Job } from './outbox';
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

const address = (label: string) => `team-${label}-${randomUUID().slice(0, 8)}@example.com`;

async function member(workspaceSlug: string, role: AdminRole, email = address(role)) {
  const made = await createAdmin({ email, workspaceSlug, role });
  return { adminId: made.adminId, email, signInUrl: made.signInUrl };
}

async function setup() {
  const made = await makeWorkspace('team');
  const slug = made.workspace.slug;
  const owner = await member(slug, 'owner');
  const editor = await member(slug, 'editor');
  const viewer = await member(slug, 'viewer');
  const as =
    (session: { adminId: string }, workspaceSlug = slug) =>
    <S extends z.ZodType, T>(command: Command<S, T>, input: unknown) =>
      runAdminAction(
        { session, workspaceSlug, input, ip: '203.0.113.5' },
        command.spec,
        command.run,
      );
  return { ...made, slug, people: { owner, editor, viewer }, as };
}

/** The sign-in link jobs queued for an admin. */
async function linkJobs(adminId: string) {
  return (await db())
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.kind, ADMIN_SIGN_IN_LINK),
        eq(outbox.status, 'pending'),
        eq(outbox.payload, { adminId }),
      ),
    );
}

describe('the team in the admin console', () => {
  it('the form offers exactly the roles there are', () => {
    expect([...TEAM_ROLES]).toEqual([...ADMIN_ROLES]);
  });

  it('an owner invites a new person: admin and membership made, a sign-in link mailed, audited', async () => {
    const { workspaceId, slug, people, as } = await setup();
    const owner = as(people.owner);
    const email = address('new');
    const invited = await owner(inviteMemberCommand, {
      email: `  ${email.toUpperCase()} `,
      role: 'editor',
    });
    if (!invited.ok) throw new Error(invited.message);
    expect(invited.data).toMatchObject({ email, role: 'editor' });
    const { adminId } = invited.data;

    const team = await teamForAdmin(workspaceId);
    expect(team.find((m) => m.email === email)).toMatchObject({
      adminId,
      role: 'editor',
      lastSignInAt: null,
    });
    // They may now open the workspace as an editor.
    expect(await requireAdmin({ adminId }, slug, 'editor')).toMatchObject({ role: 'editor' });

    // The invitation is the sign-in link mail, through the outbox (the dev mailbox here).
    const [job] = await linkJobs(adminId);
    expect(job).toBeDefined();
    await sendAdminSignInLink(job as unknown as Job);
    const [mail] = await (await db()).select().from(mailbox).where(eq(mailbox.to, email));
    expect(mail?.text).toContain('/admin/sign-in/confirm?token=dsi_');

    expect((await auditLogPage({ workspaceId })).entries[0]).toMatchObject({
      action: 'team.invite',
      target: email,
      detail: { role: 'editor', new: true },
      ip: '203.0.113.5',
    });
  });

  it('inviting someone already in the team is refused next to the address; an admin of another workspace joins without a new account', async () => {
    const { workspaceId, people, as } = await setup();
    const owner = as(people.owner);
    expect(
      await owner(inviteMemberCommand, { email: people.viewer.email, role: 'owner' }),
    ).toMatchObject({
      ok: false,
      code: 'conflict',
      fieldErrors: { email: expect.stringContaining('already in this team as viewer') },
    });
    const elsewhere = await setup();
    const joined = await owner(inviteMemberCommand, {
      email: elsewhere.people.editor.email,
      role: 'viewer',
    });
    expect(joined).toMatchObject({ ok: true, data: { adminId: elsewhere.people.editor.adminId } });
    expect((await auditLogPage({ workspaceId })).entries[0]?.detail).toEqual({
      role: 'viewer',
      new: false,
    });
    // Still an editor where they were.
    expect(await requireAdmin(elsewhere.people.editor, elsewhere.slug, 'editor')).toMatchObject({
      role: 'editor',
    });
    expect(
      await owner(inviteMemberCommand, { email: 'not-an-address', role: 'viewer' }),
    ).toMatchObject({
      ok: false,
      code: 'validation',
      fieldErrors: { email: expect.any(String) },
    });
  });

  it('an owner changes a role; it counts from the very next action', async () => {
    const { workspaceId, slug, people, as } = await setup();
    const owner = as(people.owner);
    const viewer = as(people.viewer);
    // A viewer may not change anything...
    expect(await viewer(removeMemberCommand, { adminId: people.editor.adminId })).toMatchObject({
      code: 'forbidden',
    });
    expect(
      await owner(changeMemberRoleCommand, { adminId: people.viewer.adminId, role: 'owner' }),
    ).toMatchObject({
      ok: true,
      data: { role: 'owner', changed: true },
    });
    // ...and, made an owner, can at once.
    expect(await requireAdmin(people.viewer, slug, 'owner')).toMatchObject({ role: 'owner' });
    expect(
      await owner(changeMemberRoleCommand, { adminId: people.viewer.adminId, role: 'owner' }),
    ).toMatchObject({
      ok: true,
      data: { changed: false },
    });
    const entries = (await auditLogPage({ workspaceId })).entries.filter(
      (e) => e.action === 'team.role',
    );
    expect(entries).toEqual([
      expect.objectContaining({
        target: people.viewer.email,
        detail: { from: 'viewer', to: 'owner' },
      }),
    ]);
  });

  it('the last owner can be neither demoted nor removed, not even by themselves; with a second owner they can', async () => {
    const { workspaceId, slug, people, as } = await setup();
    const owner = as(people.owner);
    const demote = await owner(changeMemberRoleCommand, {
      adminId: people.owner.adminId,
      role: 'editor',
    });
    expect(demote).toMatchObject({
      ok: false,
      code: 'conflict',
      message:
        'You are the only owner of this workspace, and a workspace needs one. Make someone else an owner first, then change the role of yourself.',
    });
    expect(await owner(removeMemberCommand, { adminId: people.owner.adminId })).toMatchObject({
      ok: false,
      code: 'conflict',
      message: expect.stringContaining('You are the only owner of this workspace'),
    });
    expect(
      (await teamForAdmin(workspaceId)).find((m) => m.adminId === people.owner.adminId)?.role,
    ).toBe('owner');

    // Another owner: now the first may step down, and then the second is the last.
    await owner(changeMemberRoleCommand, { adminId: people.editor.adminId, role: 'owner' });
    expect(await owner(removeMemberCommand, { adminId: people.owner.adminId })).toMatchObject({
      ok: true,
      data: { self: true },
    });
    await expect(requireAdmin(people.owner, slug, 'viewer')).rejects.toMatchObject({
      code: 'not_found',
    });
    const second = as(people.editor);
    expect(await second(removeMemberCommand, { adminId: people.editor.adminId })).toMatchObject({
      ok: false,
      message: expect.stringContaining('You are the only owner'),
    });
  });

  it('a removed member loses access at once: their next page and action say not_found', async () => {
    const { workspaceId, slug, people, as } = await setup();
    const editor = as(people.editor);
    // Working a moment ago...
    expect(
      await editor(changeMemberRoleCommand, { adminId: people.viewer.adminId, role: 'editor' }),
    ).toMatchObject({
      code: 'forbidden',
    });
    expect(await requireAdmin(people.editor, slug, 'editor')).toBeDefined();
    expect(
      await as(people.owner)(removeMemberCommand, { adminId: people.editor.adminId }),
    ).toMatchObject({
      ok: true,
      data: { email: people.editor.email, self: false },
    });
    // ...gone on the next call: the guard reads the membership every time.
    await expect(requireAdmin(people.editor, slug, 'viewer')).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(
      await editor(changeMemberRoleCommand, { adminId: people.viewer.adminId, role: 'editor' }),
    ).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect((await teamForAdmin(workspaceId)).map((m) => m.email).sort()).toEqual(
      [people.owner.email, people.viewer.email].sort(),
    );
    expect(
      await as(people.owner)(removeMemberCommand, { adminId: people.editor.adminId }),
    ).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect((await auditLogPage({ workspaceId })).entries[0]).toMatchObject({
      action: 'team.remove',
      target: people.editor.email,
      detail: { role: 'editor' },
    });
  });

  it('shows when each member last signed in here', async () => {
    const { workspaceId, people } = await setup();
    const token = new URL(people.viewer.signInUrl).searchParams.get('token');
    expect(await signInWithToken({ token })).toMatchObject({ ok: true });
    const team = await teamForAdmin(workspaceId);
    expect(team.find((m) => m.adminId === people.viewer.adminId)?.lastSignInAt).toBeInstanceOf(
      Date,
    );
    expect(team.find((m) => m.adminId === people.editor.adminId)?.lastSignInAt).toBeNull();
  });

  it('only owners: a viewer and an editor are refused every change; an owner of A gets not_found for B', async () => {
    const a = await setup();
    const b = await setup();
    for (const session of [a.people.viewer, a.people.editor]) {
      const them = a.as(session);
      expect(
        await them(inviteMemberCommand, { email: address('x'), role: 'viewer' }),
      ).toMatchObject({ code: 'forbidden' });
      expect(
        await them(changeMemberRoleCommand, { adminId: a.people.viewer.adminId, role: 'owner' }),
      ).toMatchObject({ code: 'forbidden' });
      expect(await them(removeMemberCommand, { adminId: a.people.owner.adminId })).toMatchObject({
        code: 'forbidden',
      });
    }
    const aInB = a.as(a.people.owner, b.slug);
    expect(await aInB(inviteMemberCommand, { email: address('y'), role: 'owner' })).toMatchObject({
      code: 'not_found',
    });
    expect(
      await aInB(changeMemberRoleCommand, { adminId: b.people.owner.adminId, role: 'viewer' }),
    ).toMatchObject({ code: 'not_found' });
    expect(await aInB(removeMemberCommand, { adminId: b.people.editor.adminId })).toMatchObject({
      code: 'not_found',
    });
    // B's members through A's own workspace: not A's.
    const aOwner = a.as(a.people.owner);
    expect(
      await aOwner(changeMemberRoleCommand, { adminId: b.people.editor.adminId, role: 'viewer' }),
    ).toMatchObject({ code: 'not_found' });
    expect(await aOwner(removeMemberCommand, { adminId: b.people.editor.adminId })).toMatchObject({
      code: 'not_found',
    });

    const roles = (team: { email: string; role: string }[]) =>
      team.map((m) => `${m.email}:${m.role}`).sort();
    expect(roles(await teamForAdmin(a.workspaceId))).toEqual(
      roles([
        { email: a.people.owner.email, role: 'owner' },
        { email: a.people.editor.email, role: 'editor' },
        { email: a.people.viewer.email, role: 'viewer' },
      ]),
    );
    expect(roles(await teamForAdmin(b.workspaceId))).toEqual(
      roles([
        { email: b.people.owner.email, role: 'owner' },
        { email: b.people.editor.email, role: 'editor' },
        { email: b.people.viewer.email, role: 'viewer' },
      ]),
    );
  });
});
