import { applyConsentFor } from '@/domain/consent';
import type { PreferencesView } from '@/domain/preferences';
import { requestInfo } from './context';

/**
 * Rule 2's one exception: a visit carrying `Sec-GPC: 1` records do-not-sell/share (source `gpc`).
 * It can only reduce what may be done with the data, so a GET may record it. True when recorded.
 */
export async function recordGpc(view: PreferencesView): Promise<boolean> {
  const { gpc, ip, userAgent } = await requestInfo();
  if (!gpc || view.subscriber.doNotSell || view.subscriber.erased) return false;
  const result = await applyConsentFor({
    workspaceId: view.workspace.id,
    subscriberId: view.subscriber.id,
    source: 'gpc',
    reduceOnly: true,
    changes: [{ type: 'do_not_sell', value: true }],
    evidence: {
      ip,
      userAgent,
      tokenKid: view.claims.kid,
      tokenPurpose: view.claims.purpose,
      detail: { signal: 'Sec-GPC: 1' },
    },
  });
  if (result.ok && result.events.length > 0) view.subscriber.doNotSell = true;
  return result.ok && result.events.length > 0;
}
