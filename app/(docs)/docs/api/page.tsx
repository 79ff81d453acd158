import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import {
  describeSchema,
  groupOperations,
  type OpenApiDocument,
  type Operation,
  operations,
  scopeSummary,
  slug,
} from '@/http/docs/api-reference';
import { openApiDocument } from '@/http/v1/openapi';
import { config } from '@/platform/config';
import {
  codeClass,
  linkClass,
  MethodBadge,
  OperationSection,
  Prose,
  SchemaView,
} from './reference';

export const metadata: Metadata = {
  title: 'API reference',
  description: "Dial's sender API: every endpoint, its fields, answers and webhook events.",
};

const OPENAPI_PATH = '/api/v1/openapi.json';

const OVERVIEW = [
  { id: 'base-url', title: 'Base URL' },
  { id: 'authentication', title: 'Authentication and scopes' },
  { id: 'errors', title: 'Errors' },
  { id: 'rate-limits', title: 'Rate limits' },
  { id: 'idempotency', title: 'Idempotency' },
];

/**
 * The sender API reference, rendered on each request from the same OpenAPI document that
 * `/api/v1/openapi.json` serves (and so from the zod schemas that validate the requests): an
 * endpoint cannot be missing here, nor a field described differently. No client JavaScript is
 * needed; the copy buttons appear only where it runs.
 */
export default async function ApiReferencePage() {
  // The base URL is the running server's configuration, not the one at build time.
  await connection();
  const { baseUrl, apiRateLimit } = config();
  const doc = openApiDocument() as OpenApiDocument;
  const ops = operations(doc, { baseUrl });
  const groups = groupOperations(ops).map((g) => ({ ...g, id: `group-${slug(g.name)}` }));
  const events = operations(doc, { baseUrl, section: 'webhooks' });
  const problem = doc.components?.schemas?.Problem;
  const idempotent = ops.filter((op) =>
    op.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'),
  );
  const schemes = Object.entries(doc.components?.securitySchemes ?? {});
  // Every event is delivered the same way: say it once, above the events.
  const delivery = events.every((e) => e.description === events[0]?.description)
    ? events[0]?.description
    : undefined;

  const toc = (
    <ol className="flex flex-col gap-4 text-sm">
      <li>
        <a className={tocLink} href="#overview">
          Overview
        </a>
        <ol className="mt-1 flex flex-col gap-1 border-slate-200 border-l pl-3 dark:border-slate-800">
          {OVERVIEW.map((o) => (
            <li key={o.id}>
              <a className={tocLink} href={`#${o.id}`}>
                {o.title}
              </a>
            </li>
          ))}
        </ol>
      </li>
      {groups.map((g) => (
        <li key={g.id}>
          <a className={`${tocLink} font-semibold`} href={`#${g.id}`}>
            {g.name}
          </a>
          <ol className="mt-1 flex flex-col gap-1 border-slate-200 border-l pl-3 dark:border-slate-800">
            {g.operations.map((op) => (
              <li key={op.id}>
                <a className={`${tocLink} flex items-start gap-2`} href={`#${op.id}`}>
                  <span className="sr-only">{op.method} </span>
                  <span aria-hidden="true" className="shrink-0 scale-90">
                    <MethodBadge method={op.method} />
                  </span>
                  <span className="font-mono text-xs leading-5">
                    <BreakablePath path={shortPath(op.path)} />
                  </span>
                </a>
              </li>
            ))}
          </ol>
        </li>
      ))}
      {events.length > 0 ? (
        <li>
          <a className={`${tocLink} font-semibold`} href="#webhooks">
            Webhook events
          </a>
          <ol className="mt-1 flex flex-col gap-1 border-slate-200 border-l pl-3 dark:border-slate-800">
            {events.map((e) => (
              <li key={e.id}>
                <a className={`${tocLink} font-mono text-xs`} href={`#${e.id}`}>
                  {e.path}
                </a>
              </li>
            ))}
          </ol>
        </li>
      ) : null}
    </ol>
  );

  return (
    <div className="mx-auto max-w-6xl px-5 lg:grid lg:grid-cols-[15rem_minmax(0,1fr)] lg:gap-10">
      <a
        href="#content"
        className="sr-only rounded bg-indigo-700 px-3 py-2 font-semibold text-white focus:not-sr-only focus:absolute focus:top-2 focus:left-2"
      >
        Skip to the reference
      </a>
      <aside className="hidden lg:block">
        <nav
          aria-label="Contents"
          className="sticky top-0 max-h-dvh overflow-y-auto py-10 pr-2"
          data-toc="desktop"
        >
          <p className="mb-4 font-semibold text-slate-900 text-sm dark:text-slate-100">
            <Link className="hover:underline" href="/">
              Dial
            </Link>{' '}
            <span aria-hidden="true" className="text-slate-400">
              /
            </span>{' '}
            API reference
          </p>
          {toc}
        </nav>
      </aside>

      <main id="content" className="flex min-w-0 flex-col gap-10 py-8 lg:py-10">
        <header className="flex flex-col gap-3">
          <p className="font-semibold text-indigo-700 text-sm uppercase tracking-wider dark:text-indigo-300">
            <Link className="hover:underline" href="/">
              Dial
            </Link>
          </p>
          <h1 className="font-bold text-3xl leading-tight">{doc.info?.title ?? 'API'} reference</h1>
          <p className="text-slate-600 text-sm dark:text-slate-400">
            Version {doc.info?.version ?? '?'} · OpenAPI {doc.openapi ?? '3'} ·{' '}
            <a className={linkClass} href={OPENAPI_PATH}>
              {OPENAPI_PATH}
            </a>
          </p>
          <Prose text={doc.info?.description} />
        </header>

        <details className="rounded-lg border border-slate-200 lg:hidden dark:border-slate-800">
          <summary className="cursor-pointer rounded-lg px-4 py-3 font-semibold focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600">
            Contents
          </summary>
          <nav aria-label="Contents" className="px-4 pb-4" data-toc="mobile">
            {toc}
          </nav>
        </details>

        <section id="overview" aria-labelledby="overview-title" className="flex flex-col gap-6">
          <h2 id="overview-title" className="font-bold text-2xl">
            Overview
          </h2>

          <Topic id="base-url" title="Base URL">
            <p>
              Every path below is relative to this server&apos;s public origin,{' '}
              <code className={codeClass}>DIAL_BASE_URL</code>:
            </p>
            <pre className="whitespace-pre-wrap rounded-lg bg-slate-100 p-3 font-mono text-sm [overflow-wrap:anywhere] dark:bg-slate-900">
              {baseUrl}
            </pre>
            <p>
              JSON in and out. The whole description, for code generators and API tools:{' '}
              <a className={linkClass} href={OPENAPI_PATH}>
                {OPENAPI_PATH}
              </a>{' '}
              (OpenAPI {doc.openapi ?? '3'}, generated from the same schemas that check requests).
            </p>
          </Topic>

          <Topic id="authentication" title="Authentication and scopes">
            {schemes.map(([name, s]) => (
              <p key={name}>
                {s.type === 'http' && String(s.scheme).toLowerCase() === 'bearer' ? (
                  <>
                    Send an API key in every request:{' '}
                    <code className={codeClass}>Authorization: Bearer &lt;key&gt;</code>. Without
                    one, or with an unknown or revoked key, the answer is{' '}
                    <code className={codeClass}>401</code>.
                  </>
                ) : (
                  <>
                    Security scheme <code className={codeClass}>{name}</code>: {String(s.type)}.
                  </>
                )}
              </p>
            ))}
            <p>
              A key has one scope. A call the key&apos;s scope does not cover is a{' '}
              <code className={codeClass}>403</code>; <code className={codeClass}>write</code>{' '}
              covers every call.
            </p>
            <ScopeTable ops={ops} />
          </Topic>

          <Topic id="errors" title="Errors">
            <p>
              Every error is a problem document (RFC 9457),{' '}
              <code className={codeClass}>Content-Type: application/problem+json</code>. Its{' '}
              <code className={codeClass}>type</code> is a stable URN such as{' '}
              <code className={codeClass}>urn:dial:problem:validation</code> to switch on;{' '}
              <code className={codeClass}>title</code> is the same for every problem of a type,{' '}
              <code className={codeClass}>detail</code> says what happened this time, and a
              validation problem lists each bad field in <code className={codeClass}>errors</code>.
            </p>
            {problem ? (
              <div className="rounded-lg border border-slate-200 p-3 dark:border-slate-800">
                <SchemaView field={describeSchema(doc, problem)} />
              </div>
            ) : null}
          </Topic>

          <Topic id="rate-limits" title="Rate limits">
            <p>
              This server lets each API key make{' '}
              <strong>{apiRateLimit.toLocaleString('en-US')}</strong> requests a minute (per
              instance). Past that the answer is <code className={codeClass}>429</code> with a{' '}
              <code className={codeClass}>Retry-After</code> header: the seconds to wait before
              trying again.
            </p>
          </Topic>

          <Topic id="idempotency" title="Idempotency">
            <p>
              Send an <code className={codeClass}>Idempotency-Key</code> header (any unique text up
              to 255 characters) to make a retry safe: the same key with the same body answers what
              the first call answered and changes nothing more; the same key with another body is a{' '}
              <code className={codeClass}>422</code>, and while the first call still runs, a{' '}
              <code className={codeClass}>409</code>.
              {idempotent.length > 0 ? ' Accepted by ' : null}
              {idempotent.map((op, i) => (
                <span key={op.id}>
                  {i > 0 ? ', ' : null}
                  <a className={linkClass} href={`#${op.id}`}>
                    {op.method} {op.path}
                  </a>
                </span>
              ))}
              {idempotent.length > 0 ? '.' : null}
            </p>
          </Topic>
        </section>

        {groups.map((g) => (
          <section
            key={g.id}
            id={g.id}
            aria-labelledby={`${g.id}-title`}
            className="flex scroll-mt-4 flex-col gap-8"
          >
            <h2 id={`${g.id}-title`} className="font-bold text-2xl">
              {g.name}
            </h2>
            {g.operations.map((op) => (
              <OperationSection key={op.id} op={op} />
            ))}
          </section>
        ))}

        {events.length > 0 ? (
          <section
            id="webhooks"
            aria-labelledby="webhooks-title"
            className="flex scroll-mt-4 flex-col gap-8"
          >
            <div className="flex flex-col gap-3">
              <h2 id="webhooks-title" className="font-bold text-2xl">
                Webhook events
              </h2>
              <p className="text-slate-700 dark:text-slate-300">
                What Dial POSTs to an endpoint registered with{' '}
                <a className={linkClass} href={`#${webhookCreateAnchor(ops)}`}>
                  POST /api/v1/webhooks
                </a>
                , and how to check that Dial sent it.
              </p>
              <Prose className="text-sm leading-relaxed" text={delivery} />
            </div>
            {events.map((e) => (
              <OperationSection
                key={e.id}
                op={delivery ? { ...e, description: undefined } : e}
                event
              />
            ))}
          </section>
        ) : null}

        <footer className="border-slate-200 border-t pt-6 text-slate-600 text-sm dark:border-slate-800 dark:text-slate-400">
          Generated from{' '}
          <a className={linkClass} href={OPENAPI_PATH}>
            {OPENAPI_PATH}
          </a>{' '}
          on every request.{' '}
          <Link className={linkClass} href="/">
            Back to Dial
          </Link>
        </footer>
      </main>
    </div>
  );
}

const tocLink =
  'rounded text-slate-700 hover:text-indigo-700 hover:underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-slate-300 dark:hover:text-indigo-300';

/** `/api/v1/check/bulk` reads `/check/bulk` in the narrow contents column. */
function shortPath(path: string): string {
  return path.replace(/^\/api\/v\d+/, '') || path;
}

/** A path that wraps only before a `/`, never inside a word. */
function BreakablePath({ path }: { path: string }) {
  const parts = path.split('/').slice(1);
  return (
    <>
      {parts.map((part, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: two segments may read the same.
        <span key={i}>
          {i > 0 ? <wbr /> : null}/{part}
        </span>
      ))}
    </>
  );
}

function webhookCreateAnchor(ops: Operation[]): string {
  return ops.find((op) => op.method === 'POST' && op.path.endsWith('/webhooks'))?.id ?? 'webhooks';
}

function Topic({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section
      id={id}
      aria-labelledby={`${id}-title`}
      className="flex scroll-mt-4 flex-col gap-3 text-slate-700 dark:text-slate-300"
    >
      <h3 id={`${id}-title`} className="font-semibold text-lg text-slate-900 dark:text-slate-100">
        {title}
      </h3>
      {children}
    </section>
  );
}

/** Which calls each scope allows, from the operations themselves. */
function ScopeTable({ ops }: { ops: Operation[] }) {
  return (
    <table className="w-full table-fixed border-collapse text-left text-sm">
      <thead>
        <tr className="border-slate-200 border-b text-slate-600 text-xs dark:border-slate-700 dark:text-slate-400">
          <th scope="col" className="w-20 py-1.5 pr-2 font-medium">
            Scope
          </th>
          <th scope="col" className="py-1.5 font-medium">
            Allows
          </th>
        </tr>
      </thead>
      <tbody>
        {scopeSummary(ops).map(({ scope, operations: list }) => (
          <tr
            key={scope}
            className="border-slate-100 border-b align-top last:border-0 dark:border-slate-800"
          >
            <th scope="row" className="py-2 pr-2 font-normal">
              <code className={codeClass}>{scope}</code>
            </th>
            <td className="py-2">
              <ul className="flex flex-wrap gap-x-3 gap-y-1">
                {list.map((op) => (
                  <li key={op.id}>
                    <a className={`${linkClass} font-mono text-xs`} href={`#${op.id}`}>
                      {op.method} {shortPath(op.path)}
                    </a>
                  </li>
                ))}
                {scope === 'write' ? (
                  <li className="text-slate-600 text-xs dark:text-slate-400">
                    and every call above
                  </li>
                ) : null}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
