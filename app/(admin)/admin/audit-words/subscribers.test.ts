import { describe, expect, it } from 'vitest';
import { RECEIPT_AUDIT } from '@/domain/consent-receipt';
import { describeAction } from '../audit-wording';

describe('audit log wording: subscribers', () => {
  it('says every receipt export as a sentence naming the subscriber and the chain', () => {
    for (const action of Object.values(RECEIPT_AUDIT)) {
      const said = describeAction({
        action,
        target: '0b8f6a52-0000-4000-8000-000000000001',
        detail: { headSeq: 3, verified: true },
      });
      expect(said, action).not.toContain(action);
      expect(said, action).toContain('0b8f6a52-0000-4000-8000-000000000001');
      expect(said, action).toContain('3 events, chain intact');
    }
    expect(
      describeAction({
        action: RECEIPT_AUDIT.download,
        target: 'abc',
        detail: { headSeq: 1, verified: false },
      }),
    ).toBe('Downloaded the consent receipt (JSON) of subscriber abc (chain NOT intact, 1 event)');
    expect(describeAction({ action: RECEIPT_AUDIT.print, target: 'abc', detail: {} })).toBe(
      'Opened the printable consent receipt of subscriber abc',
    );
  });
});
