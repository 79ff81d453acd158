import { confirmDoubleOptIn } from '@/domain/embed';
import { clientInfo } from '../request';
import { formLocale, readForm, seeOther, tokenFromPath } from '../subscriber/forms';

/** POST /c/{token}/confirm: the double opt-in's button. Its GET page confirms nothing. */
export async function postConfirm(request: Request): Promise<Response> {
  const token = tokenFromPath(request);
  const fields = await readForm(request);
  const outcome = await confirmDoubleOptIn({ token, ...clientInfo(request) });
  return seeOther(`/c/${encodeURIComponent(token)}`, { lang: formLocale(fields), state: outcome });
}
