'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState, useTransition } from 'react';
import { type FieldPath, useForm } from 'react-hook-form';
import {
  TEAM_ROLE_WORDS,
  TEAM_ROLES,
  type TeamInviteInput,
  teamInviteSchema,
} from '@/domain/admin-team-validation';
import { buttonPrimary, input, Notice } from '../../ui';
import { inviteMemberAction } from './actions';

const fieldError = 'text-red-700 text-sm dark:text-red-400';
const hint = 'text-slate-700 text-sm dark:text-slate-300';
const choice =
  'flex items-start gap-3 rounded-lg border border-slate-300 p-3 has-[:checked]:border-indigo-600 has-[:checked]:bg-indigo-50 has-[:focus-visible]:outline has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600 dark:border-slate-700 dark:has-[:checked]:bg-indigo-950';

/** Invites someone by address with a role; they get a sign-in link by email. */
export function InviteForm({ workspaceSlug }: { workspaceSlug: string }) {
  const [pending, startTransition] = useTransition();
  const [problem, setProblem] = useState<string | null>(null);
  const [invited, setInvited] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors },
  } = useForm<TeamInviteInput>({
    resolver: zodResolver(teamInviteSchema),
    defaultValues: { email: '', role: 'editor' },
  });

  const onSubmit = handleSubmit(
    (values) => {
      setProblem(null);
      setInvited(null);
      startTransition(async () => {
        const result = await inviteMemberAction(workspaceSlug, values);
        if (result.ok) {
          setInvited(
            `Invited ${result.data.email} as ${result.data.role}. They have been emailed a sign-in link.`,
          );
          reset();
          return;
        }
        for (const [path, message] of Object.entries(result.fieldErrors ?? {}))
          setError(path as FieldPath<TeamInviteInput>, { message }, { shouldFocus: true });
        setProblem(result.message);
      });
    },
    () => setProblem('Check the fields marked below.'),
  );

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="invite"
      className="flex max-w-2xl flex-col gap-5 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h2 id="invite" className="font-semibold text-lg">
        Invite someone
      </h2>
      <div aria-live="polite" className="empty:hidden">
        {problem ? (
          <Notice tone="error">
            <p>{problem}</p>
          </Notice>
        ) : invited ? (
          <Notice tone="success">
            <p>{invited}</p>
          </Notice>
        ) : null}
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="invite-email" className="font-medium">
          Email address
        </label>
        <input
          id="invite-email"
          type="email"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={errors.email ? true : undefined}
          aria-describedby={
            errors.email ? 'invite-email-hint invite-email-error' : 'invite-email-hint'
          }
          className={input}
          {...register('email')}
        />
        <p id="invite-email-hint" className={hint}>
          They get an email with a link that signs them in. No password needed.
        </p>
        {errors.email ? (
          <p id="invite-email-error" className={fieldError}>
            {errors.email.message}
          </p>
        ) : null}
      </div>
      <fieldset
        className="flex flex-col gap-2"
        aria-describedby={errors.role ? 'invite-role-error' : undefined}
      >
        <legend className="mb-1 font-medium">Role</legend>
        {TEAM_ROLES.map((role) => (
          <label key={role} className={choice}>
            <input type="radio" value={role} className="mt-1" {...register('role')} />
            <span className="flex flex-col">
              <span className="font-medium">{TEAM_ROLE_WORDS[role].label}</span>
              <span className={hint}>{TEAM_ROLE_WORDS[role].explain}</span>
            </span>
          </label>
        ))}
        {errors.role ? (
          <p id="invite-role-error" className={fieldError}>
            {errors.role.message}
          </p>
        ) : null}
      </fieldset>
      <button type="submit" className={`${buttonPrimary} self-start`} disabled={pending}>
        {pending ? 'Inviting…' : 'Send invitation'}
      </button>
    </form>
  );
}
