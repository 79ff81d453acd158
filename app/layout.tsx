import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { pageLocale } from './(subscriber)/context';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Dial', template: '%s · Dial' },
  description:
    'Dial is an open-source preference center: opt in, opt out or opt down, with a consent ledger you can prove.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Subscriber pages speak the subscriber's language; everything else is in English.
  const lang = await pageLocale();
  return (
    <html lang={lang}>
      <body className="min-h-dvh bg-white font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        {children}
      </body>
    </html>
  );
}
