import type { Channel, Frequency } from '@/db/schema';
import type { PreferencesView } from './preferences';
import type { ConsentChange } from './transitions';

/**
 * The preference form, as data. The page writes each control's value when it was drawn into a
 * hidden `was:` field beside it; saving turns only the controls the person changed into consent
 * changes, and refuses (as a conflict) when something they changed was changed meanwhile
 * elsewhere (another tab, another device), rather than overwrite it.
 */

export type FormField =
  | { kind: 'sub'; categoryId: string; channel: Channel }
  | { kind: 'freq'; categoryId: string }
  | { kind: 'out'; scope: Channel | 'all' }
  | { kind: 'dns' };

export const PAUSE_DAYS = [30, 60, 90] as const;

export function fieldName(field: FormField): string {
  switch (field.kind) {
    case 'sub':
      return `sub:${field.categoryId}:${field.channel}`;
    case 'freq':
      return `freq:${field.categoryId}`;
    case 'out':
      return `out:${field.scope}`;
    case 'dns':
      return 'dns';
  }
}

/** The value a control shows for the current state: 'on' | 'off' for boxes, the frequency for selects. */
export function currentValue(view: PreferencesView, field: FormField): string {
  switch (field.kind) {
    case 'sub': {
      const status = view.categories
        .find((c) => c.id === field.categoryId)
        ?.channels.find((c) => c.channel === field.channel)?.status;
      return status === 'subscribed' ? 'on' : 'off';
    }
    case 'freq':
      return categoryFrequency(view, field.categoryId) ?? '';
    case 'out':
      return view.subscriber.globalOptOuts.includes(field.scope) ? 'on' : 'off';
    case 'dns':
      return view.subscriber.doNotSell ? 'on' : 'off';
  }
}

/** The frequency a category runs at for this subscriber: that of its first subscribed channel. */
export function categoryFrequency(
  view: PreferencesView,
  categoryId: string,
): Frequency | undefined {
  const category = view.categories.find((c) => c.id === categoryId);
  if (!category) return undefined;
  return (
    category.channels.find((c) => c.status === 'subscribed' && c.frequency)?.frequency ??
    category.defaultFrequency
  );
}

export function pauseValue(view: PreferencesView, now: Date): string {
  const until = view.subscriber.pausedUntil;
  return until && until.getTime() > now.getTime() ? until.toISOString() : '';
}

export type FormOutcome =
  | { kind: 'stale' }
  | { kind: 'conflict'; fields: string[] }
  | { kind: 'changes'; changes: ConsentChange[]; locale?: string };

function parseField(name: string): FormField | undefined {
  const parts = name.split(':');
  if (parts[0] === 'sub' && parts.length === 3)
    return { kind: 'sub', categoryId: parts[1] as string, channel: parts[2] as Channel };
  if (parts[0] === 'freq' && parts.length === 2)
    return { kind: 'freq', categoryId: parts[1] as string };
  if (parts[0] === 'out' && parts.length === 2)
    return { kind: 'out', scope: parts[1] as Channel | 'all' };
  if (name === 'dns') return { kind: 'dns' };
  return undefined;
}

const CHANNELS: readonly string[] = ['email', 'sms', 'whatsapp', 'push'];

/**
 * Reads a posted form against the current state. Checkboxes send nothing when unticked, so a
 * `was:` field without its control means "now off".
 */
export function readPreferenceForm(
  fields: Map<string, string>,
  view: PreferencesView,
  now: Date,
): FormOutcome {
  const changed: { field: FormField; name: string; was: string; now: string }[] = [];
  for (const [key, was] of fields) {
    if (!key.startsWith('was:')) continue;
    const name = key.slice(4);
    if (name === 'pause' || name === 'locale') continue;
    const field = parseField(name);
    if (!field || !validField(field, view)) return { kind: 'stale' };
    const submitted =
      field.kind === 'freq' ? (fields.get(name) ?? was) : fields.has(name) ? 'on' : 'off';
    if (submitted !== was) changed.push({ field, name, was, now: submitted });
  }
  const pause = fields.get('pause') ?? '';
  const pauseWas = fields.get('was:pause');
  if (pause !== '' && pause !== 'resume' && !PAUSE_DAYS.map(String).includes(pause))
    return { kind: 'stale' };

  const conflicts = changed.filter((c) => currentValue(view, c.field) !== c.was).map((c) => c.name);
  if (pause !== '' && pauseWas !== undefined && pauseWas !== pauseValue(view, now))
    conflicts.push('pause');
  if (conflicts.length > 0) return { kind: 'conflict', fields: conflicts };

  const changes: ConsentChange[] = [];
  const freqOf = new Map<string, Frequency>();
  for (const c of changed)
    if (c.field.kind === 'freq') freqOf.set(c.field.categoryId, c.now as Frequency);
  for (const c of changed) {
    if (c.field.kind === 'out' && c.now === 'off')
      changes.push({ type: 'global_opt_in', channel: c.field.scope });
  }
  for (const c of changed) {
    const f = c.field;
    if (f.kind === 'sub') {
      changes.push(
        c.now === 'on'
          ? {
              type: 'subscription',
              category: f.categoryId,
              channel: f.channel,
              status: 'subscribed',
              frequency: fields.get(`freq:${f.categoryId}`) as Frequency | undefined,
            }
          : {
              type: 'subscription',
              category: f.categoryId,
              channel: f.channel,
              status: 'unsubscribed',
            },
      );
    }
  }
  for (const [categoryId, frequency] of freqOf) {
    const category = view.categories.find((c) => c.id === categoryId);
    for (const ch of category?.channels ?? []) {
      const turningOn = changed.some(
        (c) =>
          c.field.kind === 'sub' &&
          c.field.categoryId === categoryId &&
          c.field.channel === ch.channel,
      );
      if (ch.status === 'subscribed' && !turningOn)
        changes.push({ type: 'frequency', category: categoryId, channel: ch.channel, frequency });
    }
  }
  if (pause === 'resume') changes.push({ type: 'resume' });
  else if (pause !== '')
    changes.push({ type: 'pause', until: new Date(now.getTime() + Number(pause) * 86_400_000) });
  for (const c of changed) {
    if (c.field.kind === 'out' && c.now === 'on')
      changes.push({ type: 'global_opt_out', channel: c.field.scope });
    if (c.field.kind === 'dns') changes.push({ type: 'do_not_sell', value: c.now === 'on' });
  }
  const locale = fields.get('locale');
  const localeChanged =
    locale !== undefined && locale !== (fields.get('was:locale') ?? '') ? locale : undefined;
  return { kind: 'changes', changes, locale: localeChanged };
}

function validField(field: FormField, view: PreferencesView): boolean {
  switch (field.kind) {
    case 'sub': {
      const category = view.categories.find((c) => c.id === field.categoryId);
      return (
        category?.kind === 'marketing' && category.channels.some((c) => c.channel === field.channel)
      );
    }
    case 'freq':
      return view.categories.some((c) => c.id === field.categoryId && c.kind === 'marketing');
    case 'out':
      return field.scope === 'all' || CHANNELS.includes(field.scope);
    case 'dns':
      return true;
  }
}
