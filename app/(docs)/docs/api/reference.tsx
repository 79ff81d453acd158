import type { ReactNode } from 'react';
import { CopyButton } from '@/components/copy-button';
import type {
  Field,
  Inline,
  MediaBody,
  Operation,
  Parameter,
  ResponseGroup,
} from '@/http/docs/api-reference';
import { paragraphs } from '@/http/docs/api-reference';

/** The pieces of the API reference page: they lay out what http/docs/api-reference.ts derives. */

export const codeClass =
  'rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.875em] text-slate-900 [overflow-wrap:anywhere] dark:bg-slate-800 dark:text-slate-100';
export const linkClass =
  'font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900 dark:text-indigo-300 dark:hover:text-indigo-200';
const preClass =
  'whitespace-pre-wrap rounded-lg bg-slate-100 p-3 font-mono text-[0.8125rem] text-slate-900 leading-relaxed [overflow-wrap:anywhere] dark:bg-slate-900 dark:text-slate-100';

function InlineText({ pieces }: { pieces: Inline[] }) {
  return (
    <>
      {pieces.map((p, i) => {
        // Pieces have no identity beyond their place in a fixed text.
        const key = `${i}-${p.kind}`;
        if (p.kind === 'code')
          return (
            <code key={key} className={codeClass}>
              {p.text}
            </code>
          );
        if (p.kind === 'link')
          return (
            <a key={key} className={linkClass} href={p.href}>
              {p.text}
            </a>
          );
        return <span key={key}>{p.text}</span>;
      })}
    </>
  );
}

/** A description from the document: paragraphs, `code` and links. */
export function Prose({ text, className = '' }: { text?: string; className?: string }) {
  const list = paragraphs(text);
  if (list.length === 0) return null;
  return (
    <div className={`flex flex-col gap-2 text-slate-700 dark:text-slate-300 ${className}`}>
      {list.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs of a fixed text, never reordered.
        <p key={i}>
          <InlineText pieces={p} />
        </p>
      ))}
    </div>
  );
}

const METHOD_TONES: Record<string, string> = {
  GET: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  POST: 'bg-indigo-100 text-indigo-900 dark:bg-indigo-950 dark:text-indigo-200',
  DELETE: 'bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-200',
};

export function MethodBadge({ method }: { method: string }) {
  const tone =
    METHOD_TONES[method] ?? 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200';
  return (
    <span
      className={`inline-block min-w-[3.75rem] rounded px-1.5 py-0.5 text-center font-bold font-mono text-xs tracking-wide ${tone}`}
    >
      {method}
    </span>
  );
}

function RequiredBadge({ required }: { required: boolean }) {
  return required ? (
    <span className="rounded bg-amber-100 px-1.5 py-0.5 font-semibold text-amber-900 text-xs dark:bg-amber-950 dark:text-amber-200">
      required
    </span>
  ) : (
    <span className="text-slate-600 text-xs dark:text-slate-400">optional</span>
  );
}

/** The details of one value: enum values, limits, and where a cycle was cut. */
function FieldFacts({ field }: { field: Field }) {
  return (
    <>
      {field.description ? <Prose className="mt-1 text-sm" text={field.description} /> : null}
      {field.enumValues ? (
        <p className="mt-1 text-slate-700 text-sm dark:text-slate-300">
          {field.enumValues.length === 1 ? 'Always ' : 'One of '}
          {field.enumValues.map((v, i) => (
            <span key={v}>
              {i > 0 ? ', ' : null}
              <code className={codeClass}>{v}</code>
            </span>
          ))}
        </p>
      ) : null}
      {field.constraints.length > 0 ? (
        <p className="mt-1 text-slate-600 text-xs dark:text-slate-400">
          {field.constraints.join(' · ')}
        </p>
      ) : null}
      {field.circular ? (
        <p className="mt-1 text-slate-600 text-xs dark:text-slate-400">
          The same shape as <code className={codeClass}>{field.circular}</code> above.
        </p>
      ) : null}
    </>
  );
}

/** Properties and alternatives below a value, indented. */
function FieldBody({ field }: { field: Field }) {
  return (
    <>
      {field.children.length > 0 ? (
        <div className="mt-2 border-slate-200 border-l-2 pl-3 dark:border-slate-700">
          <FieldList fields={field.children} />
        </div>
      ) : null}
      {field.variants.length > 0 ? <Variants field={field} /> : null}
    </>
  );
}

function Variants({ field }: { field: Field }) {
  return (
    <div className="mt-2 border-slate-200 border-l-2 pl-3 dark:border-slate-700">
      <p className="text-slate-600 text-xs dark:text-slate-400">Exactly one of these shapes:</p>
      <ol className="mt-1 flex flex-col gap-2">
        {field.variants.map((v) => (
          <li key={v.label}>
            <p className="text-sm">
              <code className={`${codeClass} font-semibold`}>{v.label}</code>
              {v.field.children.length === 0 && v.field.variants.length === 0 ? (
                <span className="text-slate-600 text-xs dark:text-slate-400"> {v.field.type}</span>
              ) : null}
            </p>
            <FieldFacts field={{ ...v.field, description: v.description }} />
            <FieldBody field={v.field} />
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Object properties as a list: name, type, required, description, enum values, limits. */
export function FieldList({ fields }: { fields: Field[] }) {
  return (
    <ul className="flex flex-col divide-y divide-slate-200 dark:divide-slate-800">
      {fields.map((f) => (
        <li key={f.name} className="py-2 first:pt-0 last:pb-0">
          <p className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
            <code className="font-mono font-semibold text-slate-900 text-sm [overflow-wrap:anywhere] dark:text-slate-100">
              {f.name}
            </code>
            <span className="font-mono text-slate-600 text-xs [overflow-wrap:anywhere] dark:text-slate-400">
              {f.type}
            </span>
            <RequiredBadge required={f.required} />
          </p>
          <FieldFacts field={f} />
          <FieldBody field={f} />
        </li>
      ))}
    </ul>
  );
}

/** A bare `object` (or no schema) says nothing the description does not. */
function informative(field: Field): boolean {
  return (
    field.children.length > 0 ||
    field.variants.length > 0 ||
    field.enumValues !== undefined ||
    field.refName !== undefined ||
    !['object', 'any'].includes(field.type)
  );
}

/** A whole schema: its properties, its alternatives, or, for a plain value, its type. */
export function SchemaView({ field }: { field: Field }) {
  if (field.children.length === 0 && field.variants.length === 0) {
    return (
      <div className="text-sm">
        <p>
          <span className="font-mono text-slate-700 dark:text-slate-300">{field.type}</span>
          {field.refName ? (
            <span className="text-slate-600 dark:text-slate-400"> ({field.refName})</span>
          ) : null}
        </p>
        <FieldFacts field={field} />
      </div>
    );
  }
  return (
    <div className="text-sm">
      {field.description ? <Prose className="mb-2" text={field.description} /> : null}
      {field.children.length > 0 ? <FieldList fields={field.children} /> : null}
      {field.variants.length > 0 ? <Variants field={field} /> : null}
    </div>
  );
}

/** Code to read and copy: a caption, the copy button (with JavaScript), the code. */
export function CodeBlock({
  code,
  caption,
  label,
}: {
  code: string;
  caption?: string;
  label: string;
}) {
  return (
    <div>
      <div className="mb-1 flex min-h-7 items-end justify-between gap-2">
        <p className="text-slate-600 text-xs dark:text-slate-400">{caption}</p>
        <CopyButton text={code} label={label} />
      </div>
      <pre className={preClass}>{code}</pre>
    </div>
  );
}

function Heading({ children }: { children: ReactNode }) {
  return (
    <h4 className="mt-5 mb-2 font-semibold text-slate-500 text-xs uppercase tracking-wider dark:text-slate-400">
      {children}
    </h4>
  );
}

function ParameterTable({ parameters }: { parameters: Parameter[] }) {
  return (
    <table className="w-full table-fixed border-collapse text-left text-sm">
      <thead>
        <tr className="border-slate-200 border-b text-slate-600 text-xs dark:border-slate-700 dark:text-slate-400">
          <th scope="col" className="w-[38%] py-1.5 pr-2 font-medium sm:w-[30%]">
            Name
          </th>
          <th scope="col" className="w-[17%] py-1.5 pr-2 font-medium sm:w-[12%]">
            In
          </th>
          <th scope="col" className="py-1.5 font-medium">
            Value
          </th>
        </tr>
      </thead>
      <tbody>
        {parameters.map((p) => (
          <tr
            key={`${p.in}:${p.name}`}
            className="border-slate-100 border-b align-top last:border-0 dark:border-slate-800"
          >
            <th scope="row" className="py-2 pr-2 font-normal">
              <code className="font-mono font-semibold text-sm [overflow-wrap:anywhere]">
                {p.name}
              </code>
              <div className="mt-1">
                <RequiredBadge required={p.required} />
              </div>
            </th>
            <td className="py-2 pr-2 text-slate-700 dark:text-slate-300">{p.in}</td>
            <td className="py-2">
              <span className="font-mono text-slate-600 text-xs [overflow-wrap:anywhere] dark:text-slate-400">
                {p.schema.type}
              </span>
              {p.description ? <Prose className="mt-1 text-sm" text={p.description} /> : null}
              <FieldFacts field={{ ...p.schema, description: undefined }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MediaBodies({ bodies, what }: { bodies: MediaBody[]; what: string }) {
  return (
    <div className="flex flex-col gap-4">
      {bodies.map((b) => (
        <div key={b.mediaType} className="flex flex-col gap-2">
          <p className="text-slate-600 text-xs dark:text-slate-400">
            <code className={codeClass}>{b.mediaType}</code>
            {b.description ? <> · {b.description}</> : null}
          </p>
          {informative(b.schema) ? <SchemaView field={b.schema} /> : null}
          {b.example !== undefined ? (
            <CodeBlock
              code={JSON.stringify(b.example, null, 2)}
              caption="Example"
              label={`example ${what} (${b.mediaType})`}
            />
          ) : null}
        </div>
      ))}
    </div>
  );
}

function StatusBadges({ statuses, success }: { statuses: string[]; success: boolean }) {
  const tone = success
    ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200'
    : 'bg-slate-200 text-slate-900 dark:bg-slate-800 dark:text-slate-100';
  return (
    <span className="flex flex-wrap gap-1">
      {statuses.map((s) => (
        <span key={s} className={`rounded px-1.5 py-0.5 font-mono font-semibold text-xs ${tone}`}>
          {s}
        </span>
      ))}
    </span>
  );
}

function Responses({ groups, what }: { groups: ResponseGroup[]; what: string }) {
  return (
    <ul className="flex flex-col gap-3">
      {groups.map((g) => {
        const head = (
          <span className="flex flex-wrap items-center gap-2">
            <StatusBadges statuses={g.statuses} success={g.success} />
            <span className="text-slate-700 text-sm dark:text-slate-300">{g.description}</span>
          </span>
        );
        const body =
          g.content.length > 0 ? (
            <MediaBodies bodies={g.content} what={`${g.statuses.join(', ')} answer of ${what}`} />
          ) : null;
        return (
          <li key={g.statuses.join(',')}>
            {g.success || !body ? (
              <>
                {head}
                {body ? <div className="mt-2">{body}</div> : null}
              </>
            ) : (
              // Error answers share one problem shape: folded, so the success path reads first.
              <details className="group">
                <summary className="flex cursor-pointer list-none items-center gap-2 rounded focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 [&::-webkit-details-marker]:hidden">
                  <span
                    aria-hidden="true"
                    className="text-slate-500 text-xs transition-transform group-open:rotate-90"
                  >
                    ▶
                  </span>
                  {head}
                </summary>
                <div className="mt-2">{body}</div>
              </details>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** One operation (or webhook event): badge and path, what it does, its inputs and answers. */
export function OperationSection({ op, event = false }: { op: Operation; event?: boolean }) {
  const what = event ? op.path : `${op.method} ${op.path}`;
  return (
    <article
      id={op.id}
      aria-labelledby={`${op.id}-title`}
      data-method={op.method}
      data-path={op.path}
      className="scroll-mt-4 border-slate-200 border-t pt-6 dark:border-slate-800"
    >
      <h3 id={`${op.id}-title`} className="flex flex-wrap items-center gap-2 font-semibold text-lg">
        {event ? null : <MethodBadge method={op.method} />}
        <a
          href={`#${op.id}`}
          className="font-mono text-slate-900 [overflow-wrap:anywhere] hover:underline focus-visible:underline dark:text-slate-100"
        >
          {op.path}
        </a>
      </h3>
      {op.summary ? <p className="mt-2 text-slate-800 dark:text-slate-200">{op.summary}</p> : null}
      {op.scope ? (
        <p className="mt-2 text-sm">
          <span className="text-slate-600 dark:text-slate-400">Scope: </span>
          <code className={codeClass}>{op.scope.scope}</code>
          {op.scope.scope !== 'write' ? (
            <span className="text-slate-600 dark:text-slate-400">
              {' '}
              or <code className={codeClass}>write</code>
            </span>
          ) : null}
        </p>
      ) : null}
      {op.description && !event ? (
        <Prose className="mt-3 text-sm leading-relaxed" text={op.description} />
      ) : null}

      {op.parameters.length > 0 ? (
        <>
          <Heading>{event ? 'Headers' : 'Parameters'}</Heading>
          <ParameterTable parameters={op.parameters} />
        </>
      ) : null}

      {op.requestBody ? (
        <>
          <Heading>
            {event ? 'Body' : `Request body${op.requestBody.required ? '' : ' (optional)'}`}
          </Heading>
          <MediaBodies bodies={op.requestBody.content} what={`body of ${what}`} />
        </>
      ) : null}

      {op.responses.length > 0 ? (
        <>
          <Heading>{event ? 'Your answer' : 'Responses'}</Heading>
          <Responses groups={op.responses} what={what} />
        </>
      ) : null}

      {op.curl ? (
        <>
          <Heading>Try it</Heading>
          <CodeBlock
            code={op.curl}
            caption="With an API key in $KEY"
            label={`curl command for ${what}`}
          />
        </>
      ) : null}
    </article>
  );
}
