import { db } from '@/db/client';
import { updateSubscriberKeys } from '@/db/queries/subscribers';
import { applyConsentFor } from '@/domain/consent';
import { isLocale } from '@/domain/i18n';
import { readPreferenceForm } from '@/domain/preference-form';
import { preferencesView } from '@/domain/preferences';
import { verifyLink } from '@/domain/signing-keys';
import { clientInfo } from '../request';
import { formLocale, readForm, seeOther, tokenFromPath } from './forms';

/**
 * Saving the preference form: the full center (a preferences link: may opt in) and the
 * reduce-only view of an unsubscribe link (may only lower, pause or stop).
 */
async function save(request: Request, purpose: 'preferences' | 'unsubscribe'): Promise<Response> {
  const token = tokenFromPath(request);
  const encoded = encodeURIComponent(token);
  const base = purpose === 'preferences' ? `/p/${encoded}` : `/u/${encoded}/less`;
  const fields = await readForm(request);
  const lang = formLocale(fields);
  const verified = await verifyLink(token, { purpose });
  if (!verified.ok) return seeOther(base, { lang });
  const view = await preferencesView(verified.claims);
  if (!view || !fields) return seeOther(base, { lang, notice: 'stale' });
  const outcome = readPreferenceForm(fields, view, new Date());
  if (outcome.kind !== 'changes') return seeOther(base, { lang, notice: outcome.kind });

  const locale =
    purpose === 'preferences' && outcome.locale && isLocale(outcome.locale)
      ? outcome.locale
      : undefined;
  if (outcome.changes.length === 0 && !locale) return seeOther(base, { lang, notice: 'unchanged' });
  if (outcome.changes.length > 0) {
    const result = await applyConsentFor({
      workspaceId: view.workspace.id,
      subscriberId: view.subscriber.id,
      source: purpose === 'preferences' ? 'preference_center' : 'unsubscribe_page',
      reduceOnly: purpose !== 'preferences',
      changes: outcome.changes,
      evidence: { ...clientInfo(request), tokenKid: verified.claims.kid, tokenPurpose: purpose },
    });
    if (!result.ok) {
      return seeOther(base, {
        lang,
        notice: 'refused',
        reasons: [...new Set(result.refusals.map((r) => r.reason))].join(','),
      });
    }
  }
  if (locale)
    await updateSubscriberKeys(await db(), view.workspace.id, view.subscriber.id, { locale });
  return seeOther(base, { lang: locale ?? lang, notice: 'saved' });
}

/** POST /p/{token}/save */
export const postPreferences = (request: Request) => save(request, 'preferences');
/** POST /u/{token}/save: the reduce-only view behind "send me less instead". */
export const postReducedPreferences = (request: Request) => save(request, 'unsubscribe');
