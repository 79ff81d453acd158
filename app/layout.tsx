import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { pageLocale, requestInfo } from './(subscriber)/context';
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
  // An embedded form sizes its iframe to its content and sits on the shop's own background.
  const embedded = (await requestInfo()).url.pathname.startsWith('/embed/');
  return (
    <html lang={lang}>
      <body
        className={
          embedded
            ? 'bg-transparent font-sans antialiased'
            : 'min-h-dvh bg-white font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100'
        }
      >
        {children}
      </body>
    </html>
  );
}
