import type { Metadata } from 'next';
import { messages } from '@/app/(subscriber)/messages';
import { param } from '@/app/(subscriber)/notices';
import { signFormToken } from '@/domain/form-tokens';
import { EmbedFrame, type EmbedPageProps, FrameScript, loadEmbedPage } from '../../../frame';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign up', robots: { index: false, follow: false } };

/**
 * The form inside the iframe: a plain HTML form (it submits without JavaScript too), nothing
 * pre-ticked, the consent wording and its version, a signed short-lived form token instead of a
 * cookie, and a honeypot. embed-frame.js adds the handshake, resizing and the host's commands.
 */
export default async function EmbedFormPage(props: EmbedPageProps) {
  const { embed, locale, query, t, base } = await loadEmbedPage(props);
  const what = messages(locale).what;
  const errors = new Map(
    (param(query, 'e') ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => pair.split(':') as [string, string]),
  );
  const chosen = new Set((param(query, 'o') ?? '').split(',').filter(Boolean));
  const emailError =
    errors.get('email') === 'invalid'
      ? t.invalidEmail
      : errors.get('email')
        ? t.required
        : undefined;
  const phoneError =
    errors.get('phone') === 'invalid'
      ? t.invalidPhone
      : errors.get('phone')
        ? t.required
        : undefined;
  const input =
    'min-h-11 w-full rounded-lg border border-slate-300 bg-white px-3 text-slate-900 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100';
  return (
    <EmbedFrame embed={embed}>
      <form
        method="post"
        action={`${base}/submit`}
        data-dial-form
        noValidate
        className="flex flex-col gap-4"
      >
        <input
          type="hidden"
          name="form_token"
          value={signFormToken({ workspaceId: embed.workspace.id, formId: embed.form.id })}
        />
        <input type="hidden" name="embed_origin" value="" />
        <input type="hidden" name="locale" value={param(query, 'locale') ? locale : ''} />
        {param(query, 'n') === 'stale' ? (
          <p role="alert" className="rounded-lg bg-amber-50 p-3 text-amber-900">
            {t.stale}
          </p>
        ) : null}
        {embed.needsEmail ? (
          <label className="flex flex-col gap-1">
            <span className="font-medium">{t.email}</span>
            <input
              type="email"
              name="email"
              autoComplete="email"
              inputMode="email"
              defaultValue={param(query, 'email') ?? ''}
              aria-invalid={emailError ? true : undefined}
              aria-describedby={emailError ? 'email-error' : undefined}
              className={input}
            />
            {emailError ? (
              <span id="email-error" className="text-red-700 text-sm dark:text-red-400">
                {emailError}
              </span>
            ) : null}
          </label>
        ) : null}
        {embed.needsPhone ? (
          <label className="flex flex-col gap-1">
            <span className="font-medium">{t.phone}</span>
            <input
              type="tel"
              name="phone"
              autoComplete="tel"
              inputMode="tel"
              defaultValue={param(query, 'phone') ?? ''}
              aria-invalid={phoneError ? true : undefined}
              aria-describedby={phoneError ? 'phone-error phone-hint' : 'phone-hint'}
              className={input}
            />
            <span id="phone-hint" className="text-slate-600 text-sm dark:text-slate-400">
              {t.phoneHint}
            </span>
            {phoneError ? (
              <span id="phone-error" className="text-red-700 text-sm dark:text-red-400">
                {phoneError}
              </span>
            ) : null}
          </label>
        ) : null}
        <fieldset
          className="flex flex-col gap-1"
          aria-describedby={errors.has('choices') ? 'choices-error' : undefined}
        >
          <legend className="mb-1 font-medium">{t.choose}</legend>
          {embed.options.map((o) => (
            <label key={o.key} className="flex min-h-11 items-start gap-3 py-1">
              <input
                type="checkbox"
                name={o.key}
                defaultChecked={chosen.has(o.key)}
                className="mt-0.5 size-5 shrink-0 accent-[var(--accent)]"
              />
              <span className="flex flex-col">
                <span>{what.categoryOn(o.name, o.channel)}</span>
                {o.description ? (
                  <span className="text-slate-600 text-sm dark:text-slate-400">
                    {o.description}
                  </span>
                ) : null}
              </span>
            </label>
          ))}
          {errors.has('choices') ? (
            <span id="choices-error" className="text-red-700 text-sm dark:text-red-400">
              {t.chooseOne}
            </span>
          ) : null}
        </fieldset>
        {/* A field people never see; bots fill it in. */}
        <div aria-hidden="true" className="absolute -left-[10000px] h-px w-px overflow-hidden">
          <label>
            {t.honeypot}
            <input type="text" name="website" tabIndex={-1} autoComplete="off" defaultValue="" />
          </label>
        </div>
        {embed.consentText ? (
          <p className="text-slate-600 text-sm dark:text-slate-400">{embed.consentText.body}</p>
        ) : null}
        <button
          type="submit"
          className="inline-flex min-h-11 items-center justify-center rounded-lg bg-[var(--accent)] px-4 py-2.5 font-semibold text-white hover:opacity-90 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-[var(--accent)]"
        >
          {t.submit}
        </button>
      </form>
      <FrameScript
        allowed={embed.allowedOrigins}
        error={
          param(query, 'n') === 'stale'
            ? { code: 'stale', message: t.stale }
            : errors.size > 0
              ? {
                  code: 'invalid',
                  errors: Object.fromEntries(errors),
                  message: [emailError, phoneError, errors.has('choices') ? t.chooseOne : undefined]
                    .filter(Boolean)
                    .join(' '),
                }
              : undefined
        }
      />
    </EmbedFrame>
  );
}
