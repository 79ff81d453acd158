import { describe, expect, it } from 'vitest';
import { API_KEY_AUDIT } from '@/domain/admin-api-keys';
import { TEAM_AUDIT } from '@/domain/admin-team';
import { WEBHOOK_AUDIT } from '@/domain/admin-webhooks';
import { describeAction } from '../audit-wording';

describe('audit log wording of the API keys, webhooks and team pages', () => {
  it('says every action recorded there as a sentence naming its target, not as its stored name', () => {
    const actions = [
      ...Object.values(API_KEY_AUDIT),
      ...Object.values(WEBHOOK_AUDIT),
      ...Object.values(TEAM_AUDIT),
    ];
    expect(actions).toHaveLength(9);
    for (const action of actions) {
      const said = describeAction({
        action,
        target: 'the-target',
        detail: { role: 'editor', from: 'viewer', to: 'owner', scope: 'check' },
      });
      expect(said, action).not.toContain(action);
      expect(said, action).toContain('the-target');
      expect(said, action).toMatch(/^[A-Z][a-z]+ /);
    }
  });

  it('words each one plainly', () => {
    const say = (action: string, target: string, detail: Record<string, unknown>) =>
      describeAction({ action, target, detail });
    expect(
      say('api_key.create', 'Newsletter sender', { scope: 'check', prefix: 'dial_AbC123' }),
    ).toBe('Created the check-before-sending API key “Newsletter sender” (dial_AbC123…)');
    expect(say('api_key.revoke', 'Old', { prefix: 'dial_xyz' })).toBe(
      'Revoked the API key “Old” (dial_xyz…)',
    );
    expect(
      say('webhook.create', 'https://hooks.example.com/in', {
        events: ['consent.changed', 'subscriber.erased'],
      }),
    ).toBe('Added the webhook https://hooks.example.com/in for consent changed, subscriber erased');
    expect(say('webhook.delete', 'https://h.example/x', {})).toBe(
      'Deleted the webhook https://h.example/x',
    );
    expect(say('webhook.enable', 'https://h.example/x', {})).toBe(
      'Turned the webhook https://h.example/x back on',
    );
    expect(say('webhook.retry', 'https://h.example/x', { eventType: 'consent.changed' })).toBe(
      'Retried a consent changed delivery to https://h.example/x',
    );
    expect(say('team.invite', 'a@example.com', { role: 'editor', new: true })).toBe(
      'Invited a@example.com as editor',
    );
    expect(say('team.role', 'a@example.com', { from: 'editor', to: 'owner' })).toBe(
      "Changed a@example.com's role from editor to owner",
    );
    expect(say('team.remove', 'a@example.com', { role: 'viewer' })).toBe(
      'Removed a@example.com (viewer) from the team',
    );
  });
});
