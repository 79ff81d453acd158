import { type Locale, pick } from '@/domain/i18n';
import type { CategoryView } from '@/domain/preferences';
import type { LinkScope } from '@/domain/unsubscribe';
import type { Messages } from './messages';

/** Small pieces the subscriber pages share. */

export function categoryName(
  category: Pick<CategoryView, 'texts' | 'slug'>,
  locale: Locale,
): string {
  return pick(category.texts, locale)?.name ?? category.slug;
}

export function categoryDescription(
  category: Pick<CategoryView, 'texts'>,
  locale: Locale,
): string | undefined {
  return pick(category.texts, locale)?.description;
}

/** "Promotions by email", "all marketing text messages", "all marketing messages". */
export function describeScope(scope: LinkScope, t: Messages, locale: Locale): string {
  switch (scope.kind) {
    case 'everything':
      return t.what.everything;
    case 'channel':
      return t.what.channel(scope.channel);
    case 'category': {
      const name = categoryName(scope.category, locale);
      const [only] = scope.channels;
      return scope.channels.length === 1 && only
        ? t.what.categoryOn(name, only)
        : t.what.category(name);
    }
  }
}

export function Hidden({ fields }: { fields: Record<string, string | undefined> }) {
  return (
    <>
      {Object.entries(fields).map(([name, value]) =>
        value === undefined ? null : <input key={name} type="hidden" name={name} value={value} />,
      )}
    </>
  );
}
