import type { Metadata } from 'next';
import { pageLocale } from '../../../context';
import { messages } from '../../../messages';
import { Shell } from '../../../shell';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { robots: { index: false, follow: false } };

/** After "erase me". The link still verifies, but there is nothing of the person left to show. */
export default async function ErasedPage() {
  const locale = await pageLocale();
  const t = messages(locale);
  return (
    <Shell locale={locale}>
      <h1 className="font-bold text-2xl">{t.prefs.erasedHeading}</h1>
      <p>{t.prefs.erasedBody}</p>
    </Shell>
  );
}
