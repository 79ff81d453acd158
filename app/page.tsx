import Link from 'next/link';

const POINTS = [
  {
    title: 'Opt out in one tap, or opt down',
    body: 'Signed links in every email, SMS, WhatsApp and push message. No account, no login: fewer messages, fewer topics, another channel, a pause, or out.',
  },
  {
    title: 'Ask before every send',
    body: 'Your sending systems call the API: may I send this category on this channel to this person? Opt-outs win, at once.',
  },
  {
    title: 'A ledger you can prove',
    body: 'Every consent change is written once to an append-only, hash-chained ledger, with its evidence kept apart so erasure never breaks the proof.',
  },
];

export default function HomePage() {
  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-10 px-5 py-12 sm:py-20">
      <header className="flex flex-col gap-4">
        <p className="font-semibold text-indigo-600 text-sm uppercase tracking-wider dark:text-indigo-400">
          Dial
        </p>
        <h1 className="font-bold text-3xl leading-tight sm:text-4xl">
          The preference center your subscribers, mail providers and regulators would pick.
        </h1>
        <p className="text-lg text-slate-600 dark:text-slate-300">
          Dial is open source. Businesses put its links in every message; subscribers opt in, opt
          out or opt down without an account; senders ask it before each send; and it keeps a
          tamper-evident record of every consent change.
        </p>
      </header>

      <ul className="grid gap-4 sm:grid-cols-3">
        {POINTS.map((p) => (
          <li
            key={p.title}
            className="rounded-xl border border-slate-200 p-4 dark:border-slate-800"
          >
            <h2 className="mb-2 font-semibold">{p.title}</h2>
            <p className="text-slate-600 text-sm dark:text-slate-300">{p.body}</p>
          </li>
        ))}
      </ul>

      <section aria-labelledby="demo" className="flex flex-col gap-3">
        <h2 id="demo" className="font-semibold text-xl">
          Try the demo
        </h2>
        <p className="text-slate-600 dark:text-slate-300">
          This server holds a demo workspace, <code className="font-mono">demo</code>, with the
          subscriber <code className="font-mono">demo@example.com</code>. Print that
          subscriber&apos;s signed links, and an API key:
        </p>
        <pre className="whitespace-pre-wrap break-all rounded-lg bg-slate-100 p-4 font-mono text-sm dark:bg-slate-900">
          {`npm run -s dial -- link --workspace demo --email demo@example.com
npm run -s dial -- api-key create --workspace demo`}
        </pre>
      </section>

      <section aria-labelledby="api" className="flex flex-col gap-3">
        <h2 id="api" className="font-semibold text-xl">
          The sender API
        </h2>
        <p className="text-slate-600 dark:text-slate-300">
          Ask before a send with <code className="font-mono">POST /api/v1/check</code>; record
          consent with <code className="font-mono">POST /api/v1/consents</code>. Every endpoint is
          described in the{' '}
          <Link
            className="font-medium text-indigo-700 underline underline-offset-2 dark:text-indigo-300"
            href="/api/v1/openapi.json"
          >
            OpenAPI document
          </Link>{' '}
          and, to read, in the{' '}
          <Link
            className="font-medium text-indigo-700 underline underline-offset-2 dark:text-indigo-300"
            href="/docs/api"
          >
            API reference
          </Link>
          .
        </p>
        <pre className="whitespace-pre-wrap break-all rounded-lg bg-slate-100 p-4 font-mono text-sm dark:bg-slate-900">
          {`curl -s localhost:3000/api/v1/check \\
  -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\
  -d '{"subscriber":{"email":"demo@example.com"},
       "category":"promotions","channel":"email"}'`}
        </pre>
      </section>

      <footer className="border-slate-200 border-t pt-6 text-slate-500 text-sm dark:border-slate-800">
        Server status:{' '}
        <Link className="underline underline-offset-2" href="/healthz">
          /healthz
        </Link>
      </footer>
    </main>
  );
}
