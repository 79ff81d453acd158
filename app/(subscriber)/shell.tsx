import type { ReactNode } from 'react';
import { LOCALE_NAMES, LOCALES, type Locale } from '@/domain/i18n';
import type { Brand } from '@/domain/preferences';
import { requestInfo, withLang } from './context';
import { messages } from './messages';

/**
 * The frame of every subscriber page: the sender's brand, the content, who sent it, and the
 * languages the workspace offers (and the one shown).
 */
export async function Shell({
  brand,
  locale,
  children,
}: {
  brand?: Brand;
  locale: Locale;
  children: ReactNode;
}) {
  const t = messages(locale);
  const { url } = await requestInfo();
  const path = url.pathname;
  const accent =
    brand?.accentColor && /^#[0-9a-f]{3,8}$/i.test(brand.accentColor)
      ? brand.accentColor
      : '#4f46e5';
  return (
    <div
      className="mx-auto flex min-h-dvh max-w-xl flex-col px-5 py-8"
      style={{ ['--accent' as string]: accent }}
    >
      {brand ? (
        <header className="mb-6 flex items-center gap-3">
          {brand.logoUrl ? (
            // biome-ignore lint/performance/noImgElement: a tenant's logo from any host; next/image would need each host allowed.
            <img src={brand.logoUrl} alt="" className="h-8 w-auto" />
          ) : null}
          <p className="font-semibold text-[var(--accent)]">{brand.name}</p>
        </header>
      ) : null}
      <main className="flex flex-1 flex-col gap-6">{children}</main>
      <footer className="mt-10 flex flex-col gap-3 border-slate-200 border-t pt-5 text-slate-600 text-sm dark:border-slate-800 dark:text-slate-400">
        {brand ? (
          <div>
            <p>{t.sentBy(brand.name)}</p>
            {brand.postalAddress ? <p>{brand.postalAddress}</p> : null}
            {brand.supportContact ? <p>{t.questions(brand.supportContact)}</p> : null}
          </div>
        ) : null}
        <nav aria-label={t.language}>
          <ul className="flex flex-wrap gap-x-4 gap-y-2">
            {LOCALES.filter((l) => l === locale || !brand || brand.locales.includes(l)).map((l) => (
              <li key={l}>
                {l === locale ? (
                  <span aria-current="true" className="font-semibold">
                    {LOCALE_NAMES[l]}
                  </span>
                ) : (
                  <a
                    className="underline underline-offset-2"
                    href={withLang(path, l)}
                    hrefLang={l}
                    lang={l}
                  >
                    {LOCALE_NAMES[l]}
                  </a>
                )}
              </li>
            ))}
          </ul>
        </nav>
      </footer>
    </div>
  );
}

export function Notice({
  tone = 'info',
  children,
}: {
  tone?: 'info' | 'success' | 'warning';
  children: ReactNode;
}) {
  const tones = {
    info: 'bg-slate-100 text-slate-900 dark:bg-slate-900 dark:text-slate-100',
    success: 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100',
    warning: 'bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
  };
  return (
    <p role="status" className={`rounded-lg p-3 ${tones[tone]}`}>
      {children}
    </p>
  );
}

export const buttonPrimary =
  'inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-[var(--accent)] px-4 py-2.5 font-semibold text-white focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-[var(--accent)] hover:opacity-90';
export const buttonSecondary =
  'inline-flex min-h-11 w-full items-center justify-center rounded-lg border border-slate-300 bg-white px-4 py-2.5 font-semibold text-slate-900 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-[var(--accent)] hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100';
export const link = 'font-medium text-[var(--accent)] underline underline-offset-2';
