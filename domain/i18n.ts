/**
 * The languages Dial speaks to subscribers, and how one is chosen: an explicit choice (the
 * switcher), then the subscriber's stored locale, then the browser's Accept-Language, then the
 * workspace's default. Message texts live beside what renders them (pages, mails).
 */

export const LOCALES = ['en', 'es', 'fr', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

export const LOCALE_NAMES: Record<Locale, string> = {
  en: 'English',
  es: 'Español',
  fr: 'Français',
  de: 'Deutsch',
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** `es-MX` → `es`; anything we do not speak → undefined. */
export function toLocale(tag: string | null | undefined): Locale | undefined {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(base) ? base : undefined;
}

/** The best supported language of an Accept-Language header, by its q-values. */
export function fromAcceptLanguage(header: string | null | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((x) => x.q > 0 && !Number.isNaN(x.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const locale = toLocale(tag);
    if (locale) return locale;
  }
  return undefined;
}

export function negotiateLocale(input: {
  explicit?: string | null;
  stored?: string | null;
  acceptLanguage?: string | null;
  fallback?: string | null;
}): Locale {
  return (
    toLocale(input.explicit) ??
    toLocale(input.stored) ??
    fromAcceptLanguage(input.acceptLanguage) ??
    toLocale(input.fallback) ??
    'en'
  );
}

/** A per-locale text (category names, success messages) in this locale, else English, else any. */
export function pick<T>(
  texts: Partial<Record<string, T>> | undefined,
  locale: Locale,
): T | undefined {
  if (!texts) return undefined;
  return texts[locale] ?? texts.en ?? Object.values(texts)[0];
}
