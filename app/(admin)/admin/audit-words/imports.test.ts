import { describe, expect, it } from 'vitest';
import { describeAction } from '../audit-wording';
import { importsWords } from './imports';

describe('the import area in the audit log', () => {
  it('words every action it records as a sentence', () => {
    expect(Object.keys(importsWords).sort()).toEqual(['export.download', 'import.start']);
    expect(
      describeAction({
        action: 'import.start',
        target: 'customers.csv',
        detail: { importId: 'x', rows: 100000 },
      }),
    ).toBe('Started importing customers.csv (100,000 rows)');
    expect(describeAction({ action: 'export.download', target: 'subscribers', detail: {} })).toBe(
      'Downloaded the subscribers export',
    );
    expect(
      describeAction({
        action: 'export.download',
        target: 'suppressions',
        detail: { channel: 'sms' },
      }),
    ).toBe('Downloaded the sms suppression list');
    expect(describeAction({ action: 'export.download', target: 'ledger', detail: {} })).toBe(
      'Downloaded the consent ledger export',
    );
  });
});
