import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { FEEDBACK_REASONS } from '@/db/schema';
import { verifyLink } from '@/domain/signing-keys';
import { scopeOf } from '@/domain/unsubscribe';
import { config } from '@/platform/config';
import { linkView, pageLocale, UNSUBSCRIBE, withLang } from '../../../context';
import { messages } from '../../../messages';
import { buttonPrimary, buttonSecondary, link, Notice, Shell } from '../../../shell';
import { describeScope, Hidden } from '../../../ui';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { robots: { index: false, follow: false } };

type Search = Promise<Record<string, string | string[] | undefined>>;

/** After an opt-out: it is done, an undo, how to come back, and the optional question. */
export default async function DonePage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Search;
}) {
  const { token } = await params;
  const query = await searchParams;
  const one = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : undefined);
  const result = await linkView(token, UNSUBSCRIBE);
  if (!result.ok) notFound();
  const view = result.view;
  const locale = await pageLocale();
  const t = messages(locale);
  const base = `/u/${token}`;
  const state = one('state');
  const scope = scopeOf(view.claims, view.categories);
  const what = one('which') === 'all' ? t.what.everything : describeScope(scope, t, locale);

  if (state === 'undone') {
    return (
      <Shell brand={view.workspace} locale={locale}>
        <h1 className="font-bold text-2xl">{t.done.undoneHeading}</h1>
        <Notice tone="success">{t.done.undoneBody}</Notice>
        <a className={buttonSecondary} href={withLang(base, locale)}>
          {t.landing.title}
        </a>
      </Shell>
    );
  }

  const undo = one('undo');
  const undoValid = undo
    ? (await verifyLink(undo, { workspaceId: view.workspace.id, purpose: 'undo' })).ok
    : false;
  const changeId = one('change');
  const showQuestion =
    view.workspace.asksFeedback && changeId && state !== 'thanks' && state !== 'skipped';
  return (
    <Shell brand={view.workspace} locale={locale}>
      <h1 className="font-bold text-2xl">{t.done.heading}</h1>
      {state === 'undo-unavailable' ? (
        <Notice tone="warning">{t.done.undoUnavailable}</Notice>
      ) : null}
      <div className="flex flex-col gap-2">
        <p className="text-lg">{t.done.body(what, view.workspace.name)}</p>
        <p className="text-slate-600 dark:text-slate-400">{t.done.transactional}</p>
      </div>
      {undoValid && undo ? (
        <form method="post" action={`${base}/undo`} className="flex flex-col gap-2">
          <Hidden fields={{ undo, lang: locale }} />
          <button type="submit" className={buttonSecondary}>
            {t.done.undo}
          </button>
          <p className="text-slate-600 text-sm dark:text-slate-400">
            {t.done.undoHint(config().undoLinkMinutes)}
          </p>
        </form>
      ) : null}
      <p>
        {t.done.optInAgain(view.workspace.name)}{' '}
        <a className={link} href={withLang(`/w/${view.workspace.slug}/link`, locale)}>
          {t.done.askLink}
        </a>
        .
      </p>
      {state === 'thanks' ? (
        <Notice tone="success">{t.done.thanks(view.workspace.name)}</Notice>
      ) : null}
      {state === 'skipped' ? <Notice>{t.done.skipped}</Notice> : null}
      {showQuestion ? (
        <form
          method="post"
          action={`${base}/feedback`}
          className="flex flex-col gap-4 rounded-xl border border-slate-200 p-4 dark:border-slate-800"
        >
          <Hidden
            fields={{
              change: changeId,
              lang: locale,
              undo: undoValid ? undo : undefined,
              which: one('which'),
            }}
          />
          <fieldset className="flex flex-col gap-2">
            <legend className="mb-1 font-semibold text-lg">{t.done.feedbackHeading}</legend>
            <p className="mb-2 text-slate-600 text-sm dark:text-slate-400">
              {t.done.feedbackOptional}
            </p>
            {FEEDBACK_REASONS.map((reason) => (
              <label key={reason} className="flex min-h-11 items-center gap-3">
                <input
                  type="radio"
                  name="reason"
                  value={reason}
                  className="size-5 accent-[var(--accent)]"
                />
                <span>{t.done.reasons[reason]}</span>
              </label>
            ))}
          </fieldset>
          {state === 'comment-too-long' ? (
            <Notice tone="warning">{t.done.commentTooLong}</Notice>
          ) : null}
          <label className="flex flex-col gap-1">
            <span>{t.done.comment}</span>
            <textarea
              name="comment"
              maxLength={1000}
              rows={3}
              className="rounded-lg border border-slate-300 p-2 dark:border-slate-700 dark:bg-slate-900"
            />
          </label>
          <div className="flex flex-col gap-2 sm:flex-row">
            <button type="submit" className={buttonPrimary}>
              {t.done.send}
            </button>
            <a
              className={buttonSecondary}
              href={withLang(`${base}/done`, locale, {
                state: 'skipped',
                which: one('which') ?? 'this',
                ...(undoValid && undo ? { undo } : {}),
              })}
            >
              {t.done.skip}
            </a>
          </div>
        </form>
      ) : null}
    </Shell>
  );
}
