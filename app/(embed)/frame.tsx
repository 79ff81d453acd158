import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { pageLocale } from '@/app/(subscriber)/context';
import type { Search } from '@/app/(subscriber)/notices';
import { type EmbedForm, loadEmbedForm } from '@/domain/embed';
import { EmbedTheme, embedAccent } from './embed-form-view';
import { embedMessages } from './embed-messages';

export type EmbedPageProps = {
  params: Promise<{ workspace: string; form: string }>;
  searchParams: Search;
};

/** What every page inside the iframe starts from: its form, its language and words, its query. */
export async function loadEmbedPage({ params, searchParams }: EmbedPageProps) {
  const { workspace, form } = await params;
  const query = await searchParams;
  const locale = await pageLocale();
  const embed = await loadEmbedForm({
    workspaceSlug: decodeURIComponent(workspace),
    formSlug: decodeURIComponent(form),
    locale,
  });
  if (!embed) notFound();
  return { embed, locale, query, t: embedMessages(locale), base: `/embed/${workspace}/${form}` };
}

/** The frame of every page shown inside the iframe: the form's theme and the brand's accent. */
export function EmbedFrame({
  embed,
  children,
}: {
  embed: Pick<EmbedForm, 'form' | 'workspace'>;
  children: ReactNode;
}) {
  return (
    <EmbedTheme
      accent={embedAccent(embed.form.theme.accentColor, embed.workspace.accentColor)}
      dark={embed.form.theme.mode === 'dark'}
    >
      {children}
    </EmbedTheme>
  );
}

/** embed-frame.js: handshake with the loader, resizing, commands; told the result on the done page. */
export function FrameScript({
  allowed,
  result,
  error,
}: {
  allowed: string[];
  result?: object;
  error?: object;
}) {
  return (
    <script
      src="/embed-frame.js"
      async
      data-allowed={JSON.stringify(allowed)}
      {...(result ? { 'data-result': JSON.stringify(result) } : {})}
      {...(error ? { 'data-error': JSON.stringify(error) } : {})}
    />
  );
}
