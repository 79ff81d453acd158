'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { type SignInRequest, signInRequestSchema } from '@/domain/admin-validation';
import { buttonPrimary, input, Notice } from '../ui';
import { requestSignInLinkAction } from './actions';

/** The address form: validated here and again by the action, with the same schema. */
export function SignInForm() {
  const [pending, startTransition] = useTransition();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<SignInRequest>({ resolver: zodResolver(signInRequestSchema) });

  const onSubmit = handleSubmit((values) => {
    setProblem(null);
    startTransition(async () => {
      const result = await requestSignInLinkAction(values);
      if (result.ok) {
        setSentTo(values.email.trim());
        return;
      }
      if (result.fieldErrors?.email) setError('email', { message: result.fieldErrors.email });
      else setProblem(result.message);
    });
  });

  const emailError = errors.email?.message;
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <div className="flex flex-col gap-1">
        <label htmlFor="email" className="font-medium">
          Email address
        </label>
        <input
          id="email"
          type="email"
          autoComplete="email"
          inputMode="email"
          aria-invalid={emailError ? true : undefined}
          aria-describedby={emailError ? 'email-error' : undefined}
          className={input}
          {...register('email')}
        />
        {emailError ? (
          <p id="email-error" className="text-red-700 text-sm dark:text-red-400">
            {emailError}
          </p>
        ) : null}
      </div>
      <button type="submit" className={buttonPrimary} disabled={pending}>
        {pending ? 'Sending…' : 'Email me a sign-in link'}
      </button>
      <div aria-live="polite" className="empty:hidden">
        {sentTo ? (
          <Notice tone="success">
            <p>
              If {sentTo} belongs to an admin, a sign-in link is on its way. It works once, for 15
              minutes.
            </p>
          </Notice>
        ) : null}
        {problem ? (
          <Notice tone="warning">
            <p>{problem}</p>
          </Notice>
        ) : null}
      </div>
    </form>
  );
}
