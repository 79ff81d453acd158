import { describe, expect, it } from 'vitest';
import { FORM_AUDIT } from '@/domain/admin-forms';
import { describeAction } from '../audit-wording';

describe('audit log wording of the forms pages', () => {
  it('says every form action as a sentence naming the form, not as its stored name', () => {
    for (const action of Object.values(FORM_AUDIT)) {
      const said = describeAction({ action, target: 'newsletter', detail: {} });
      expect(said, action).not.toContain(action);
      expect(said, action).toContain('newsletter');
    }
    expect(describeAction({ action: 'form.create', target: 'checkout', detail: {} })).toBe(
      'Created the form checkout',
    );
  });

  it('says what an edit changed, and which sites it let in or shut out', () => {
    expect(
      describeAction({
        action: 'form.update',
        target: 'newsletter',
        detail: {
          changed: ['categories', 'allowed origins'],
          originsAdded: ['https://shop.example.com'],
          originsRemoved: ['https://old.example.com', 'http://localhost:*'],
        },
      }),
    ).toBe(
      'Edited the form newsletter: changed its categories and allowed origins; allowed https://shop.example.com; no longer allowed https://old.example.com and http://localhost:*',
    );
    expect(
      describeAction({
        action: 'form.update',
        target: 'newsletter',
        detail: { changed: ['name'] },
      }),
    ).toBe('Edited the form newsletter: changed its name');
  });
});
