import { type Db, type DbOrTx, db as getDb } from '@/db/client';
import {
  deleteMembership,
  insertMembership,
  listTeam,
  lockTeam,
  setMemberRole,
} from '@/db/queries/admin-team';
import { upsertAdmin } from '@/db/queries/admins';
import type { AdminRole } from '@/db/schema';
import type { AdminActionContext } from './admin-actions';
import {
  type TeamInviteInput,
  type TeamRemoveInput,
  type TeamRoleInput,
  teamInviteSchema,
  teamRemoveSchema,
  teamRoleSchema,
} from './admin-team-validation';
import { enqueueSignInLink } from './admins';
import { recordAudit } from './audit';
import { DomainError } from './errors';

/**
 * A workspace's team as the admin console manages it (issue 7, item 9). Owners invite, change
 * roles and remove; everyone else reads the list. A workspace always keeps an owner: the last one
 * can be neither demoted nor removed (themselves included). Every change takes effect at the next
 * request of the person concerned, because the guard reads the membership from the database on
 * every page, action and route (domain/admin-guard.ts); nothing about roles is cached or kept in
 * the session.
 */

export const TEAM_AUDIT = {
  invite: 'team.invite',
  role: 'team.role',
  remove: 'team.remove',
} as const;

export type TeamMember = {
  adminId: string;
  email: string;
  name: string | null;
  role: AdminRole;
  memberSince: Date;
  lastSignInAt: Date | null;
};

export async function teamForAdmin(workspaceId: string, database?: DbOrTx): Promise<TeamMember[]> {
  const rows = await listTeam(database ?? (await getDb()), workspaceId);
  return rows.map((r) => ({
    ...r,
    lastSignInAt:
      r.lastSignInAt === null || r.lastSignInAt === undefined
        ? null
        : r.lastSignInAt instanceof Date
          ? r.lastSignInAt
          : new Date(r.lastSignInAt),
  }));
}

function lastOwner(email: string, self: boolean, doing: 'demote' | 'remove') {
  const who = self ? 'You are' : `${email} is`;
  const next =
    doing === 'remove'
      ? 'Make someone else an owner first, then remove'
      : 'Make someone else an owner first, then change the role of';
  return new DomainError(
    'conflict',
    `${who} the only owner of this workspace, and a workspace needs one. ${next} ${self ? 'yourself' : 'them'}.`,
  );
}

async function invite(input: TeamInviteInput, context: AdminActionContext, database?: Db) {
  const email = input.email.toLowerCase();
  const dbh = database ?? (await getDb());
  return dbh.transaction(async (tx) => {
    const team = await lockTeam(tx, context.workspace.id);
    const existing = team.find((m) => m.email === email);
    if (existing) {
      const message = `${email} is already in this team as ${existing.role}. Change their role in the list instead.`;
      throw new DomainError('conflict', message, { errors: [{ path: 'email', message }] });
    }
    const admin = await upsertAdmin(tx, email);
    const added = await insertMembership(tx, {
      adminId: admin.id,
      workspaceId: context.workspace.id,
      role: input.role,
    });
    if (!added) throw new DomainError('conflict', `${email} was just added by someone else.`);
    await enqueueSignInLink(tx, admin.id);
    await recordAudit(tx, {
      workspaceId: context.workspace.id,
      adminId: context.admin.id,
      action: TEAM_AUDIT.invite,
      target: email,
      detail: { role: input.role, new: admin.created },
      ip: context.ip,
    });
    return { adminId: admin.id, email, role: input.role };
  });
}

async function changeRole(input: TeamRoleInput, context: AdminActionContext, database?: Db) {
  const dbh = database ?? (await getDb());
  return dbh.transaction(async (tx) => {
    const team = await lockTeam(tx, context.workspace.id);
    const member = team.find((m) => m.adminId === input.adminId);
    if (!member) throw new DomainError('not_found', 'No such member in this team.');
    if (member.role === input.role)
      return { adminId: member.adminId, email: member.email, role: member.role, changed: false };
    const owners = team.filter((m) => m.role === 'owner');
    if (member.role === 'owner' && owners.length === 1)
      throw lastOwner(member.email, member.adminId === context.admin.id, 'demote');
    await setMemberRole(tx, {
      workspaceId: context.workspace.id,
      adminId: member.adminId,
      role: input.role,
    });
    await recordAudit(tx, {
      workspaceId: context.workspace.id,
      adminId: context.admin.id,
      action: TEAM_AUDIT.role,
      target: member.email,
      detail: { from: member.role, to: input.role },
      ip: context.ip,
    });
    return { adminId: member.adminId, email: member.email, role: input.role, changed: true };
  });
}

async function remove(input: TeamRemoveInput, context: AdminActionContext, database?: Db) {
  const dbh = database ?? (await getDb());
  return dbh.transaction(async (tx) => {
    const team = await lockTeam(tx, context.workspace.id);
    const member = team.find((m) => m.adminId === input.adminId);
    if (!member) throw new DomainError('not_found', 'No such member in this team.');
    const owners = team.filter((m) => m.role === 'owner');
    if (member.role === 'owner' && owners.length === 1)
      throw lastOwner(member.email, member.adminId === context.admin.id, 'remove');
    await deleteMembership(tx, { workspaceId: context.workspace.id, adminId: member.adminId });
    await recordAudit(tx, {
      workspaceId: context.workspace.id,
      adminId: context.admin.id,
      action: TEAM_AUDIT.remove,
      target: member.email,
      detail: { role: member.role },
      ip: context.ip,
    });
    return {
      adminId: member.adminId,
      email: member.email,
      self: member.adminId === context.admin.id,
    };
  });
}

/** The commands, as `adminAction(command.spec, command.run)` and `runAdminAction` take them. */
export const inviteMemberCommand = {
  spec: { schema: teamInviteSchema, role: 'owner' as const },
  run: (input: TeamInviteInput, context: AdminActionContext) => invite(input, context),
};
export const changeMemberRoleCommand = {
  spec: { schema: teamRoleSchema, role: 'owner' as const },
  run: (input: TeamRoleInput, context: AdminActionContext) => changeRole(input, context),
};
export const removeMemberCommand = {
  spec: { schema: teamRemoveSchema, role: 'owner' as const },
  run: (input: TeamRemoveInput, context: AdminActionContext) => remove(input, context),
};
