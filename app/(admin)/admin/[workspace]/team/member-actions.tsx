'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import type { AdminRole } from '@/db/schema';
import {
  TEAM_ROLE_WORDS,
  TEAM_ROLES,
  type TeamRoleInput,
  teamRoleSchema,
} from '@/domain/admin-team-validation';
import { buttonSecondary, input } from '../../ui';
import { changeMemberRoleAction, removeMemberAction } from './actions';

const small = `${buttonSecondary} px-3 text-sm`;
const danger =
  'inline-flex min-h-11 items-center justify-center rounded-lg bg-red-700 px-4 py-2.5 font-semibold text-white hover:bg-red-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700 disabled:cursor-wait disabled:opacity-70';

/** An owner's controls for one member: change the role, remove (with a confirm step). */
export function MemberActions({
  workspaceSlug,
  adminId,
  email,
  role,
  self,
}: {
  workspaceSlug: string;
  adminId: string;
  email: string;
  role: AdminRole;
  self: boolean;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const { register, handleSubmit } = useForm<TeamRoleInput>({
    resolver: zodResolver(teamRoleSchema),
    defaultValues: { adminId, role },
  });
  const who = self ? 'yourself' : email;

  const saveRole = handleSubmit((values) => {
    setProblem(null);
    startTransition(async () => {
      const result = await changeMemberRoleAction(workspaceSlug, values);
      if (!result.ok) setProblem(result.message);
      // Stepping down from owner: this page is for owners only to change; show it as it is now.
      else if (self) router.refresh();
    });
  });

  const remove = () => {
    setProblem(null);
    startTransition(async () => {
      const result = await removeMemberAction(workspaceSlug, { adminId });
      if (!result.ok) {
        setProblem(result.message);
        return;
      }
      setConfirming(false);
      // Removed themselves: this workspace is no longer theirs.
      if (result.data.self) router.push('/admin');
    });
  };

  return (
    <div className="flex w-full flex-col gap-2">
      <form onSubmit={saveRole} className="flex flex-wrap items-end gap-2">
        <input type="hidden" {...register('adminId')} />
        <div className="flex flex-col gap-1">
          <label htmlFor={`role-${adminId}`} className="text-sm">
            Role of {self ? 'you' : email}
          </label>
          <select id={`role-${adminId}`} className={`${input} w-auto`} {...register('role')}>
            {TEAM_ROLES.map((r) => (
              <option key={r} value={r}>
                {TEAM_ROLE_WORDS[r].label}
              </option>
            ))}
          </select>
        </div>
        <button
          type="submit"
          className={small}
          disabled={pending}
          aria-label={`Save role for ${who}`}
        >
          Save role
        </button>
        {confirming ? null : (
          <button
            type="button"
            className={small}
            disabled={pending}
            aria-label={`Remove ${who}`}
            onClick={() => setConfirming(true)}
          >
            Remove
          </button>
        )}
      </form>
      {confirming ? (
        <fieldset className="flex flex-col gap-2 rounded-lg bg-red-50 p-3 text-red-950 dark:bg-red-950 dark:text-red-50">
          <legend className="float-left mb-1 break-words">
            {self
              ? 'Remove yourself from this workspace? You lose access at once.'
              : `Remove ${email} from this workspace? They lose access at once, even if signed in now.`}
          </legend>
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              className={danger}
              disabled={pending}
              // biome-ignore lint/a11y/noAutofocus: the confirm step replaces the button that opened it; focus must follow.
              autoFocus
              onClick={remove}
            >
              {pending ? 'Removing…' : 'Yes, remove'}
            </button>
            <button
              type="button"
              className={buttonSecondary}
              disabled={pending}
              onClick={() => setConfirming(false)}
            >
              Cancel
            </button>
          </div>
        </fieldset>
      ) : null}
      <p aria-live="polite" className="text-red-700 text-sm empty:hidden dark:text-red-400">
        {problem}
      </p>
    </div>
  );
}
