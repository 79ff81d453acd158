import type { Metadata } from 'next';
import { param } from '@/app/(subscriber)/notices';
import { signFormToken } from '@/domain/form-tokens';
import { EmbedFormFields } from '../../../embed-form-view';
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
        <EmbedFormFields
          locale={locale}
          needsEmail={embed.needsEmail}
          needsPhone={embed.needsPhone}
          options={embed.options}
          consentText={embed.consentText?.body}
          values={{
            email: param(query, 'email') ?? '',
            phone: param(query, 'phone') ?? '',
            chosen,
          }}
          errors={errors}
        />
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
