import { isLocale, LOCALE_NAMES } from '@/domain/i18n';

/** How the consent text pages show when a version was written, and a language's name. */
export const WRITTEN_AT = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

export function localeName(locale: string) {
  return isLocale(locale) ? LOCALE_NAMES[locale] : locale;
}
