import { describe, expect, it } from 'vitest';
import type { WorkspaceSettings } from '@/db/schema';
import { brandOf } from './preferences';
import {
  asksFeedbackQuestion,
  defaultSettings,
  requiresDoubleOptIn,
  sendsConfirmationMessages,
} from './workspaces';

const ws = (settings: WorkspaceSettings) => ({ settings });

describe("a workspace's policies", () => {
  it('the unsubscribe page asks "why?" unless the policy turns the question off', () => {
    const brand = (settings: WorkspaceSettings) =>
      brandOf({ id: 'w', slug: 'w', name: 'W', settings });
    expect(brand({}).asksFeedback).toBe(true);
    expect(brand({ policies: { feedbackQuestion: true } }).asksFeedback).toBe(true);
    expect(brand({ policies: { feedbackQuestion: false } }).asksFeedback).toBe(false);
  });

  it("subscriber pages offer the languages the workspace offers, in Dial's order", () => {
    const brand = (settings: WorkspaceSettings) =>
      brandOf({ id: 'w', slug: 'w', name: 'W', settings });
    expect(brand({}).locales).toEqual(['en', 'es', 'fr', 'de']);
    expect(brand({ locales: ['de', 'en'] }).locales).toEqual(['en', 'de']);
    expect(brand({ locales: ['xx'] }).locales).toEqual(['en', 'es', 'fr', 'de']);
  });

  it('double opt-in: the form may add it, never take away the workspace’s', () => {
    const policy = ws({ policies: { doubleOptIn: { email: true } } });
    expect(requiresDoubleOptIn(policy, {}, 'email')).toBe(true);
    expect(requiresDoubleOptIn(policy, { email: false }, 'email')).toBe(true);
    expect(requiresDoubleOptIn(policy, {}, 'sms')).toBe(false);
    expect(requiresDoubleOptIn(policy, { sms: true }, 'sms')).toBe(true);
    expect(requiresDoubleOptIn(ws({}), null, 'email')).toBe(false);
  });

  it('confirmation messages and the feedback question are on unless turned off', () => {
    expect(sendsConfirmationMessages(ws({}))).toBe(true);
    expect(asksFeedbackQuestion(ws({}))).toBe(true);
    const off = ws({ policies: { confirmationMessages: false, feedbackQuestion: false } });
    expect(sendsConfirmationMessages(off)).toBe(false);
    expect(asksFeedbackQuestion(off)).toBe(false);
  });

  it('a new workspace starts with double opt-in on email, SMS and WhatsApp, and both messages on', () => {
    const settings = ws(defaultSettings('Acme'));
    expect(requiresDoubleOptIn(settings, {}, 'email')).toBe(true);
    expect(requiresDoubleOptIn(settings, {}, 'push')).toBe(false);
    expect(sendsConfirmationMessages(settings)).toBe(true);
    expect(asksFeedbackQuestion(settings)).toBe(true);
  });
});
