import { describe, expect, it } from 'vitest';
import { fromAcceptLanguage, negotiateLocale, pick } from './i18n';

describe('choosing a language', () => {
  it('prefers the explicit choice, then the stored locale, then Accept-Language, then the fallback', () => {
    expect(negotiateLocale({ explicit: 'de', stored: 'es', acceptLanguage: 'fr' })).toBe('de');
    expect(negotiateLocale({ explicit: 'xx', stored: 'es-MX', acceptLanguage: 'fr' })).toBe('es');
    expect(negotiateLocale({ acceptLanguage: 'it-IT, fr-CH;q=0.9, en;q=0.8' })).toBe('fr');
    expect(negotiateLocale({ acceptLanguage: 'it', fallback: 'de' })).toBe('de');
    expect(negotiateLocale({})).toBe('en');
  });
  it('orders Accept-Language by q-value and ignores q=0', () => {
    expect(fromAcceptLanguage('en;q=0.2, de;q=0.9')).toBe('de');
    expect(fromAcceptLanguage('es;q=0, en')).toBe('en');
    expect(fromAcceptLanguage('*')).toBeUndefined();
  });
  it('picks a localized text, falling back to English', () => {
    expect(pick({ en: 'Hi', es: 'Hola' }, 'es')).toBe('Hola');
    expect(pick({ en: 'Hi' }, 'de')).toBe('Hi');
  });
});
