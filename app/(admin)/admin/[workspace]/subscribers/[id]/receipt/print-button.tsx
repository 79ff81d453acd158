'use client';

/** Opens the browser's print dialog (the page prints without the console's navigation). */
export function PrintButton({ className }: { className: string }) {
  return (
    <button type="button" onClick={() => window.print()} className={className}>
      Print or save as PDF
    </button>
  );
}
