import { describe, expect, it } from 'vitest';
import { CATEGORY_AUDIT } from '@/domain/admin-categories';
import { CONSENT_TEXT_AUDIT } from '@/domain/admin-consent-texts';
import { describeAction } from './audit-wording';

describe('audit log wording', () => {
  it('says every action the console records as a sentence, not as its stored name', () => {
    const actions = [...Object.values(CATEGORY_AUDIT), ...Object.values(CONSENT_TEXT_AUDIT)];
    for (const action of actions) {
      const said = describeAction({
        action,
        target: 'weekly',
        detail: { locale: 'en', version: 2 },
      });
      expect(said, action).not.toContain(action);
      expect(said, action).toContain('weekly');
    }
    expect(
      describeAction({
        action: 'consent_text.version',
        target: 'signup',
        detail: { locale: 'es', version: 3 },
      }),
    ).toBe('Wrote the consent text signup, es version 3');
    expect(
      describeAction({ action: 'category.move', target: 'news', detail: { direction: 'up' } }),
    ).toBe('Moved the category news up');
    expect(
      describeAction({
        action: 'admin.create',
        target: 'a@example.com',
        detail: { role: 'editor', previousRole: 'viewer' },
      }),
    ).toBe("Changed a@example.com's role from viewer to editor");
    expect(describeAction({ action: 'something.new', target: 'x', detail: {} })).toBe(
      'something.new: x',
    );
  });
});
