import type { Messages } from './messages';
import { Notice } from './shell';

/** What happened on the last save, from the `notice` the save's redirect carries. */
export function SaveNotice({
  notice,
  reasons,
  t,
}: {
  notice?: string;
  reasons?: string;
  t: Messages;
}) {
  switch (notice) {
    case 'saved':
      return <Notice tone="success">{t.prefs.saved}</Notice>;
    case 'unchanged':
      return <Notice>{t.prefs.nothingChanged}</Notice>;
    case 'conflict':
      return <Notice tone="warning">{t.prefs.conflict}</Notice>;
    case 'stale':
      return <Notice tone="warning">{t.prefs.stale}</Notice>;
    case 'refused':
      return (
        <Notice tone="warning">
          {t.prefs.refused} {reasons}
        </Notice>
      );
    default:
      return null;
  }
}

export type Search = Promise<Record<string, string | string[] | undefined>>;

export function param(
  query: Record<string, string | string[] | undefined>,
  key: string,
): string | undefined {
  const value = query[key];
  return typeof value === 'string' ? value : undefined;
}
