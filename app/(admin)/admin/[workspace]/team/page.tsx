import type { Metadata } from 'next';
import { roleAtLeast } from '@/domain/admin-guard';
import { type TeamMember, teamForAdmin } from '@/domain/admin-team';
import { TEAM_ROLE_WORDS } from '@/domain/admin-team-validation';
import { pageAccess } from '../../access';
import { Notice } from '../../ui';
import { InviteForm } from './invite-form';
import { MemberActions } from './member-actions';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'Team',
  robots: { index: false, follow: false },
};

const WHEN = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

const muted = 'text-slate-600 dark:text-slate-400';

/** Who may open this workspace and as what; owners invite, change roles and remove. */
export default async function TeamPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'viewer');
  const canManage = roleAtLeast(access.role, 'owner');
  const team = await teamForAdmin(access.workspace.id);
  const owners = team.filter((m) => m.role === 'owner').length;
  return (
    <>
      <div className="flex max-w-prose flex-col gap-1">
        <h1 className="font-bold text-2xl">Team</h1>
        <p className="text-slate-700 dark:text-slate-300">
          The people who can sign in to {access.workspace.name}. A change of role or a removal
          counts from their very next click. A workspace always keeps at least one owner.
        </p>
      </div>
      {canManage ? (
        <InviteForm workspaceSlug={access.workspace.slug} />
      ) : (
        <Notice>
          <p>
            You are {access.role === 'editor' ? 'an editor' : 'a viewer'} here: an owner invites
            people and changes roles.
          </p>
        </Notice>
      )}
      <section aria-labelledby="members" className="flex flex-col gap-3">
        <h2 id="members" className="font-semibold text-lg">
          Members
        </h2>
        <ul aria-label="Team members" className="flex flex-col gap-3">
          {team.map((member) => (
            <MemberCard
              key={member.adminId}
              member={member}
              self={member.adminId === access.admin.id}
              lastOwner={member.role === 'owner' && owners === 1}
              workspaceSlug={canManage ? access.workspace.slug : null}
            />
          ))}
        </ul>
      </section>
      <section aria-labelledby="roles" className="flex max-w-prose flex-col gap-2">
        <h2 id="roles" className="font-semibold text-lg">
          What each role may do
        </h2>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
          {(['viewer', 'editor', 'owner'] as const).map((role) => (
            <div key={role} className="contents">
              <dt className="font-medium">{TEAM_ROLE_WORDS[role].label}</dt>
              <dd>{TEAM_ROLE_WORDS[role].explain}</dd>
            </div>
          ))}
        </dl>
      </section>
    </>
  );
}

function MemberCard({
  member,
  self,
  lastOwner,
  workspaceSlug,
}: {
  member: TeamMember;
  self: boolean;
  lastOwner: boolean;
  /** Set when the viewer of the page may manage the team. */
  workspaceSlug: string | null;
}) {
  return (
    <li className="flex flex-col gap-3 rounded-lg border border-slate-200 p-4 sm:flex-row sm:items-start sm:justify-between dark:border-slate-800">
      <div className="flex min-w-0 flex-col gap-2">
        <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
          <h3 className="break-all font-semibold">{member.email}</h3>
          {self ? <span className={`text-sm ${muted}`}>(you)</span> : null}
          <span className="rounded bg-indigo-100 px-2 py-0.5 font-medium text-indigo-900 text-xs dark:bg-indigo-950 dark:text-indigo-100">
            {TEAM_ROLE_WORDS[member.role].label}
          </span>
        </div>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className={muted}>Member since</dt>
          <dd>
            <time dateTime={member.memberSince.toISOString()}>
              {WHEN.format(member.memberSince)} UTC
            </time>
          </dd>
          <dt className={muted}>Last sign-in</dt>
          <dd>
            {member.lastSignInAt ? (
              <time dateTime={member.lastSignInAt.toISOString()}>
                {WHEN.format(member.lastSignInAt)} UTC
              </time>
            ) : (
              'Not yet'
            )}
          </dd>
        </dl>
        {workspaceSlug && lastOwner ? (
          <p className={`text-sm ${muted}`}>
            The only owner: make someone else an owner before changing this role or removing{' '}
            {self ? 'yourself' : 'them'}.
          </p>
        ) : null}
      </div>
      {workspaceSlug ? (
        <div className="sm:max-w-sm">
          <MemberActions
            workspaceSlug={workspaceSlug}
            adminId={member.adminId}
            email={member.email}
            role={member.role}
            self={self}
          />
        </div>
      ) : null}
    </li>
  );
}
