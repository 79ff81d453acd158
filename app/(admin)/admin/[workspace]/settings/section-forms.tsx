'use client';

import {
  type BrandingSettingsInput,
  brandingSettingsSchema,
  CHANNEL_NAMES,
  contrastWithWhite,
  type GeneralSettingsInput,
  generalSettingsSchema,
  isHttpsUrl,
  type LinkDomainSettingsInput,
  type LocaleSettingsInput,
  linkDomainSettingsSchema,
  localeSettingsSchema,
  MIN_ACCENT_CONTRAST,
  type PolicySettingsInput,
  policySettingsSchema,
  SETTINGS_CHANNELS,
  type SenderSettingsInput,
  type SmsSettingsInput,
  senderSettingsSchema,
  smsSettingsSchema,
} from '@/domain/admin-settings-validation';
import { LOCALE_NAMES, LOCALES } from '@/domain/i18n';
import { input } from '../../ui';
import {
  saveBrandingSettingsAction,
  saveGeneralSettingsAction,
  saveLinkDomainSettingsAction,
  saveLocaleSettingsAction,
  savePolicySettingsAction,
  saveSenderSettingsAction,
  saveSmsSettingsAction,
} from './actions';
import {
  CheckField,
  choice,
  fieldError,
  hint,
  SectionForm,
  TextField,
  useSectionForm,
} from './section-form';

type Common = { workspaceSlug: string; readOnly: boolean };

export function GeneralForm({ initial, ...common }: Common & { initial: GeneralSettingsInput }) {
  const state = useSectionForm({
    schema: generalSettingsSchema,
    defaultValues: initial,
    workspaceSlug: common.workspaceSlug,
    action: saveGeneralSettingsAction,
  });
  const { register, formState } = state.form;
  const e = formState.errors;
  return (
    <SectionForm state={state} readOnly={common.readOnly} submitLabel="Save name and contact">
      <TextField
        id="name"
        label="Workspace name"
        hintText="Shown on preference pages and signs every mail (“Sent by …”)."
        error={e.name?.message}
        registration={register('name')}
        autoComplete="organization"
      />
      <TextField
        id="postalAddress"
        label="Postal address"
        hintText="In the footer of every mail: marketing laws ask for a physical address."
        error={e.postalAddress?.message}
        registration={register('postalAddress')}
        multiline
      />
      <TextField
        id="supportContact"
        label="Support contact"
        hintText="An email address, a web page (https://…) or a phone number, for “Questions? Contact …”."
        error={e.supportContact?.message}
        registration={register('supportContact')}
      />
    </SectionForm>
  );
}

export function BrandingForm({ initial, ...common }: Common & { initial: BrandingSettingsInput }) {
  const state = useSectionForm({
    schema: brandingSettingsSchema,
    defaultValues: initial,
    workspaceSlug: common.workspaceSlug,
    action: saveBrandingSettingsAction,
  });
  const { register, formState, watch } = state.form;
  const e = formState.errors;
  const accent = watch('accentColor')?.trim().toLowerCase() ?? '';
  const logo = watch('logoUrl')?.trim() ?? '';
  const validAccent = /^#[0-9a-f]{6}$/.test(accent);
  const ratio = validAccent ? contrastWithWhite(accent) : null;
  return (
    <SectionForm state={state} readOnly={common.readOnly} submitLabel="Save branding">
      <div className="flex flex-col gap-2">
        <TextField
          id="logoUrl"
          label="Logo address"
          hintText="A web address starting with https:// of an image about 32 pixels high, shown at the top of preference pages."
          error={e.logoUrl?.message}
          registration={register('logoUrl')}
          type="url"
          inputMode="url"
          placeholder="https://example.com/logo.png"
        />
        {isHttpsUrl(logo) ? (
          <div className="flex items-center gap-3 rounded-lg border border-slate-300 p-3 dark:border-slate-700">
            <span className={hint}>Logo:</span>
            {/* biome-ignore lint/performance/noImgElement: a tenant's logo from any host; next/image would need each host allowed. */}
            <img src={logo} alt="" className="h-8 w-auto max-w-48" />
          </div>
        ) : null}
      </div>
      <div className="flex flex-col gap-2">
        <TextField
          id="accentColor"
          label="Accent colour"
          hintText={`# and six hex digits, like #4f46e5. Buttons on preference pages and in mails use it with white text, so it needs a contrast of at least ${MIN_ACCENT_CONTRAST}:1 against white. Empty: Dial’s own colours.`}
          error={e.accentColor?.message}
          registration={register('accentColor')}
          placeholder="#4f46e5"
        />
        {validAccent ? (
          <div className="flex flex-wrap items-center gap-3">
            <span
              aria-hidden="true"
              className="inline-flex min-h-11 items-center rounded-lg px-4 font-semibold text-white"
              style={{ background: accent }}
            >
              Sample button
            </span>
            <span className={hint}>
              Contrast with white: {ratio?.toFixed(1)}:1
              {ratio !== null && ratio < MIN_ACCENT_CONTRAST ? ' (too low)' : ' (readable)'}
            </span>
          </div>
        ) : null}
      </div>
    </SectionForm>
  );
}

export function SenderForm({
  initial,
  defaultSender,
  ...common
}: Common & { initial: SenderSettingsInput; defaultSender: string }) {
  const state = useSectionForm({
    schema: senderSettingsSchema,
    defaultValues: initial,
    workspaceSlug: common.workspaceSlug,
    action: saveSenderSettingsAction,
  });
  const { register, formState } = state.form;
  const e = formState.errors;
  return (
    <SectionForm state={state} readOnly={common.readOnly} submitLabel="Save sender">
      <TextField
        id="senderName"
        label="Sender name"
        hintText="The name people see in their inbox. Empty: the workspace name."
        error={e.senderName?.message}
        registration={register('senderName')}
      />
      <TextField
        id="fromAddress"
        label="From address"
        hintText={`Empty: ${defaultSender}. Your domain’s SPF and DKIM records must allow Dial’s mail server to send for it, or mail will land in spam.`}
        error={e.fromAddress?.message}
        registration={register('fromAddress')}
        type="email"
        inputMode="email"
        placeholder="news@example.com"
      />
      <TextField
        id="replyTo"
        label="Reply-To address"
        hintText="Where replies go. Empty: replies go to the From address."
        error={e.replyTo?.message}
        registration={register('replyTo')}
        type="email"
        inputMode="email"
        placeholder="help@example.com"
      />
    </SectionForm>
  );
}

export function LinkDomainForm({
  initial,
  dialHost,
  ...common
}: Common & { initial: LinkDomainSettingsInput; dialHost: string }) {
  const state = useSectionForm({
    schema: linkDomainSettingsSchema,
    defaultValues: initial,
    workspaceSlug: common.workspaceSlug,
    action: saveLinkDomainSettingsAction,
  });
  const { register, formState, watch } = state.form;
  const e = formState.errors;
  const domain = (watch('linkDomain') ?? '').trim().toLowerCase() || 'links.example.com';
  return (
    <SectionForm state={state} readOnly={common.readOnly} submitLabel="Save link domain">
      <TextField
        id="linkDomain"
        label="Link domain"
        hintText="A domain of your own for unsubscribe and preference links, so your sending reputation is yours alone. Empty: links use Dial’s address."
        error={e.linkDomain?.message}
        registration={register('linkDomain')}
        placeholder="links.example.com"
      />
      <div className="flex flex-col gap-2 rounded-lg bg-slate-100 p-3 text-sm dark:bg-slate-900">
        <p className="font-medium">Before you save it, at your DNS provider add:</p>
        <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1">
          <dt>Type</dt>
          <dd className="font-mono">CNAME</dd>
          <dt>Name</dt>
          <dd className="break-all font-mono">{domain}</dd>
          <dt>Target</dt>
          <dd className="break-all font-mono">{dialHost}</dd>
        </dl>
        <p>
          Dial’s server also needs an HTTPS certificate for {domain}: ask whoever runs Dial. Links
          already in sent mail keep working on their old address.
        </p>
      </div>
    </SectionForm>
  );
}

export function LocalesForm({ initial, ...common }: Common & { initial: LocaleSettingsInput }) {
  const state = useSectionForm({
    schema: localeSettingsSchema,
    defaultValues: initial,
    workspaceSlug: common.workspaceSlug,
    action: saveLocaleSettingsAction,
  });
  const { register, formState } = state.form;
  const e = formState.errors;
  return (
    <SectionForm state={state} readOnly={common.readOnly} submitLabel="Save languages">
      <fieldset
        className="flex flex-col gap-2"
        aria-describedby={e.locales ? 'locales-error' : undefined}
      >
        <legend className="mb-1 font-medium">Languages offered</legend>
        <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
          {LOCALES.map((locale) => (
            <label key={locale} className={choice} lang={locale}>
              <input type="checkbox" value={locale} {...register('locales')} />
              {LOCALE_NAMES[locale]}
            </label>
          ))}
        </div>
        {e.locales ? (
          <p id="locales-error" className={fieldError}>
            {e.locales.message}
          </p>
        ) : null}
      </fieldset>
      <div className="flex flex-col gap-1">
        <label htmlFor="defaultLocale" className="font-medium">
          Default language
        </label>
        <select
          id="defaultLocale"
          aria-invalid={e.defaultLocale ? true : undefined}
          aria-describedby={['defaultLocale-hint', e.defaultLocale ? 'defaultLocale-error' : '']
            .filter(Boolean)
            .join(' ')}
          className={`${input} sm:max-w-xs`}
          {...register('defaultLocale')}
        >
          {LOCALES.map((locale) => (
            <option key={locale} value={locale}>
              {LOCALE_NAMES[locale]}
            </option>
          ))}
        </select>
        <p id="defaultLocale-hint" className={hint}>
          For people whose language Dial cannot tell; categories need a name in it.
        </p>
        {e.defaultLocale ? (
          <p id="defaultLocale-error" className={fieldError}>
            {e.defaultLocale.message}
          </p>
        ) : null}
      </div>
    </SectionForm>
  );
}

export function PoliciesForm({ initial, ...common }: Common & { initial: PolicySettingsInput }) {
  const state = useSectionForm({
    schema: policySettingsSchema,
    defaultValues: initial,
    workspaceSlug: common.workspaceSlug,
    action: savePolicySettingsAction,
  });
  const { register } = state.form;
  return (
    <SectionForm state={state} readOnly={common.readOnly} submitLabel="Save policies">
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 font-medium">Double opt-in</legend>
        <p className={hint}>
          A signup on these channels stays pending until the person confirms it from the message
          Dial sends them. Recommended for email, and for SMS in most countries.
        </p>
        <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
          {SETTINGS_CHANNELS.map((channel) => (
            <label key={channel} className={choice}>
              <input type="checkbox" {...register(`doubleOptIn.${channel}`)} />
              {CHANNEL_NAMES[channel]}
            </label>
          ))}
        </div>
      </fieldset>
      <CheckField
        label="Confirmation messages"
        description="Send one email confirming an unsubscribe. Text-message replies to STOP are always sent: carriers require them."
        registration={register('confirmationMessages')}
      />
      <CheckField
        label="Feedback question"
        description="After an unsubscribe, ask (optionally) why, on the page and in the confirmation email."
        registration={register('feedbackQuestion')}
      />
    </SectionForm>
  );
}

export function SmsForm({
  initial,
  tokenSet,
  ...common
}: Common & { initial: SmsSettingsInput; tokenSet: boolean }) {
  const state = useSectionForm({
    schema: smsSettingsSchema,
    defaultValues: initial,
    workspaceSlug: common.workspaceSlug,
    action: saveSmsSettingsAction,
    // The token never comes back: the field is emptied once it is stored.
    afterSave: (values) => ({ ...values, twilioAuthToken: '', clearTwilioAuthToken: false }),
  });
  const { register, formState } = state.form;
  const e = formState.errors;
  return (
    <SectionForm state={state} readOnly={common.readOnly} submitLabel="Save SMS settings">
      <TextField
        id="smsNumber"
        label="SMS number"
        hintText="Your Twilio number in international form, like +14155550100."
        error={e.smsNumber?.message}
        registration={register('smsNumber')}
        type="tel"
        inputMode="tel"
        autoComplete="off"
      />
      <p className="text-sm">
        Twilio auth token: <strong data-testid="token-state">{tokenSet ? 'set' : 'not set'}</strong>
      </p>
      <TextField
        id="twilioAuthToken"
        label={tokenSet ? 'New Twilio auth token' : 'Twilio auth token'}
        hintText="From your Twilio console. It proves incoming texts are Twilio’s. Dial never shows it again; leave this empty to keep the one stored."
        error={e.twilioAuthToken?.message}
        registration={register('twilioAuthToken')}
        type="password"
        autoComplete="new-password"
      />
      {tokenSet ? (
        <CheckField
          label="Remove the stored token"
          description="Incoming texts are then refused until a new token is set."
          registration={register('clearTwilioAuthToken')}
        />
      ) : null}
    </SectionForm>
  );
}
