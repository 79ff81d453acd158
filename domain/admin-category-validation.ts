import { z } from 'zod';
import type { Channel, Frequency } from '@/db/schema';
import { LOCALE_NAMES, LOCALES, type Locale } from './i18n';

/**
 * The category forms' schemas, shared by the admin console's forms (react-hook-form) and the
 * server actions that parse the same input. Only zod and pure data here: the browser loads this
 * module, so nothing from db/ beyond types.
 */

// The same lists as db/schema.ts's CHANNELS and FREQUENCIES (`satisfies` keeps them in step
// with its types without pulling drizzle into the browser).
export const CATEGORY_CHANNELS = ['email', 'sms', 'whatsapp', 'push'] as const satisfies Channel[];
export const CATEGORY_FREQUENCIES = [
  'instant',
  'daily',
  'weekly',
  'monthly',
] as const satisfies Frequency[];
export const CATEGORY_KINDS = ['marketing', 'transactional'] as const;

export const CHANNEL_LABELS: Record<Channel, string> = {
  email: 'Email',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  push: 'Push',
};
export const FREQUENCY_LABELS: Record<Frequency, string> = {
  instant: 'As it happens',
  daily: 'Daily',
  weekly: 'Weekly',
  monthly: 'Monthly',
};

export const categorySlugSchema = z
  .string()
  .trim()
  .min(2, 'Use at least 2 characters.')
  .max(48, 'Use at most 48 characters.')
  .regex(
    /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    'Use lower-case letters, digits and dashes (not at either end), like weekly-digest.',
  );

const localeText = z.object({
  name: z.string().trim().max(80, 'Keep the name under 80 characters.'),
  description: z.string().trim().max(300, 'Keep the description under 300 characters.'),
});

const categoryFields = {
  kind: z.enum(CATEGORY_KINDS, { message: 'Choose marketing or transactional.' }),
  texts: z.partialRecord(z.enum(LOCALES), localeText),
  channels: z
    .array(z.enum(CATEGORY_CHANNELS), { message: 'Choose at least one channel.' })
    .min(1, 'Choose at least one channel.'),
  frequencies: z
    .array(z.enum(CATEGORY_FREQUENCIES), { message: 'Choose at least one frequency.' })
    .min(1, 'Choose at least one frequency.'),
  defaultFrequency: z.enum(CATEGORY_FREQUENCIES, { message: 'Choose the default frequency.' }),
};

type CategoryFields = {
  texts: Partial<Record<Locale, { name: string; description: string }>>;
  frequencies: Frequency[];
  defaultFrequency: Frequency;
};

/** Rules across fields that need no workspace: the default among the allowed, names with descriptions. */
function crossFieldIssues(value: CategoryFields): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (!value.frequencies.includes(value.defaultFrequency))
    issues.push({
      path: ['defaultFrequency'],
      message: 'The default frequency must be one of the allowed frequencies.',
    });
  for (const locale of LOCALES) {
    const text = value.texts[locale];
    if (text && !text.name && text.description)
      issues.push({
        path: ['texts', locale, 'name'],
        message: `Give the ${LOCALE_NAMES[locale]} name too, or clear its description.`,
      });
  }
  return issues;
}

function withCrossFieldRules<T extends z.ZodType<CategoryFields>>(schema: T) {
  return schema.superRefine((value, ctx) => {
    for (const issue of crossFieldIssues(value)) ctx.addIssue({ code: 'custom', ...issue });
  });
}

export const categoryCreateSchema = withCrossFieldRules(
  z.object({ slug: categorySlugSchema, ...categoryFields }),
);
export type CategoryCreateInput = z.infer<typeof categoryCreateSchema>;

export const categoryUpdateSchema = withCrossFieldRules(
  z.object({ categoryId: z.uuid('No such category.'), ...categoryFields }),
);
export type CategoryUpdateInput = z.infer<typeof categoryUpdateSchema>;

export const categoryArchiveSchema = z.object({
  categoryId: z.uuid('No such category.'),
  archived: z.boolean(),
});
export type CategoryArchiveInput = z.infer<typeof categoryArchiveSchema>;

export const categoryMoveSchema = z.object({
  categoryId: z.uuid('No such category.'),
  direction: z.enum(['up', 'down']),
});
export type CategoryMoveInput = z.infer<typeof categoryMoveSchema>;

/**
 * The rule that depends on the workspace: a name in its default locale. The server applies it
 * after the schema (it reads the workspace's settings); the form adds it to the same schema
 * with `withWorkspaceLocales` so the person sees it before sending.
 */
export function localeIssues(
  texts: CategoryFields['texts'],
  defaultLocale: Locale,
): { path: string; message: string }[] {
  if (texts[defaultLocale]?.name) return [];
  return [
    {
      path: `texts.${defaultLocale}.name`,
      message: `Give the category a name in ${LOCALE_NAMES[defaultLocale]}, the workspace's default language.`,
    },
  ];
}

export function withWorkspaceLocales<T extends z.ZodType<CategoryFields>>(
  schema: T,
  defaultLocale: Locale,
) {
  return schema.superRefine((value, ctx) => {
    for (const issue of localeIssues(value.texts, defaultLocale))
      ctx.addIssue({ code: 'custom', path: issue.path.split('.'), message: issue.message });
  });
}
