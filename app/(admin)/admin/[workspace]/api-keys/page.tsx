import type { Metadata } from 'next';
import { API_KEY_SCOPE_WORDS } from '@/domain/admin-api-key-validation';
import { type ApiKeyListItem, apiKeysForAdmin } from '@/domain/admin-api-keys';
import { pageAccess } from '../../access';
import { ApiKeyForm } from './api-key-form';
import { RevokeKeyButton } from './revoke-key-button';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = {
  title: 'API keys',
  robots: { index: false, follow: false },
};

const WHEN = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

function When({ at, never }: { at: Date | null; never: string }) {
  if (!at) return <>{never}</>;
  return <time dateTime={at.toISOString()}>{WHEN.format(at)} UTC</time>;
}

/** The workspace's API keys (owners only: a key reaches every subscriber of the workspace). */
export default async function ApiKeysPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const access = await pageAccess(decodeURIComponent(slug), 'owner');
  const keys = await apiKeysForAdmin(access.workspace.id);
  const live = keys.filter((k) => !k.revokedAt);
  const revoked = keys.filter((k) => k.revokedAt);
  return (
    <>
      <div className="flex max-w-prose flex-col gap-1">
        <h1 className="font-bold text-2xl">API keys</h1>
        <p className="text-slate-700 dark:text-slate-300">
          Your sending systems use a key to ask Dial “may I send?” before each message, to make
          unsubscribe links and to record consent. Give each system its own key with the least it
          needs, so you can revoke one without stopping the others.
        </p>
      </div>
      <ApiKeyForm workspaceSlug={access.workspace.slug} />
      <section aria-labelledby="live-keys" className="flex flex-col gap-3">
        <h2 id="live-keys" className="font-semibold text-lg">
          Keys in use
        </h2>
        {live.length === 0 ? (
          <p className="rounded-lg border border-slate-300 border-dashed p-6 text-center text-slate-700 dark:border-slate-700 dark:text-slate-300">
            No keys yet. Create one above for each system that sends your messages.
          </p>
        ) : (
          <ul aria-label="API keys in use" className="flex flex-col gap-3">
            {live.map((key) => (
              <KeyCard key={key.id} apiKey={key} workspaceSlug={access.workspace.slug} />
            ))}
          </ul>
        )}
      </section>
      {revoked.length > 0 ? (
        <section aria-labelledby="revoked-keys" className="flex flex-col gap-3">
          <h2 id="revoked-keys" className="font-semibold text-lg">
            Revoked
          </h2>
          <ul aria-label="Revoked API keys" className="flex flex-col gap-3">
            {revoked.map((key) => (
              <KeyCard key={key.id} apiKey={key} workspaceSlug={access.workspace.slug} />
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function KeyCard({ apiKey, workspaceSlug }: { apiKey: ApiKeyListItem; workspaceSlug: string }) {
  const revoked = Boolean(apiKey.revokedAt);
  return (
    <li
      className={`flex flex-col gap-3 rounded-lg border p-4 sm:flex-row sm:items-start sm:justify-between ${
        revoked
          ? 'border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-900'
          : 'border-slate-200 dark:border-slate-800'
      }`}
    >
      <div className="flex min-w-0 flex-col gap-2">
        <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
          <h3 className="break-words font-semibold">{apiKey.name}</h3>
          <code className="break-all text-slate-700 text-sm dark:text-slate-300">
            {apiKey.prefix}…
          </code>
          <span className="rounded bg-indigo-100 px-2 py-0.5 font-medium text-indigo-900 text-xs dark:bg-indigo-950 dark:text-indigo-100">
            {API_KEY_SCOPE_WORDS[apiKey.scope].label}
          </span>
          {revoked ? (
            <span className="rounded bg-red-100 px-2 py-0.5 font-medium text-red-900 text-xs dark:bg-red-950 dark:text-red-100">
              Revoked
            </span>
          ) : null}
        </div>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-slate-600 dark:text-slate-400">Created</dt>
          <dd>
            <When at={apiKey.createdAt} never="—" />
          </dd>
          <dt className="text-slate-600 dark:text-slate-400">Last used</dt>
          <dd>
            <When at={apiKey.lastUsedAt} never="Never" />
          </dd>
          {apiKey.revokedAt ? (
            <>
              <dt className="text-slate-600 dark:text-slate-400">Revoked</dt>
              <dd>
                <When at={apiKey.revokedAt} never="—" />
              </dd>
            </>
          ) : null}
        </dl>
      </div>
      {revoked ? null : (
        <div className="flex flex-wrap items-center gap-2 sm:max-w-sm sm:justify-end">
          <RevokeKeyButton workspaceSlug={workspaceSlug} keyId={apiKey.id} name={apiKey.name} />
        </div>
      )}
    </li>
  );
}
