import type { Channel, MailText, MailTextKind, Workspace } from '@/db/schema';
import { config } from '@/platform/config';
import { fillPlaceholders } from './admin-settings-validation';
import type { Locale } from './i18n';

/**
 * Dial's own mails, in every language Dial speaks, each with a text and an HTML part. They carry
 * only what Dial or the workspace wrote (never text typed by a visitor), and every value is
 * escaped on its way into the HTML. A workspace may replace a mail's subject and text per locale
 * (settings.mailTexts, written in the admin console); the buttons and links stay Dial's, so an
 * edited text can never lose the way to confirm, manage preferences or answer the question.
 */

export type RenderedMail = { subject: string; text: string; html: string };
export type MailWorkspace = Pick<Workspace, 'name' | 'settings'>;

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

// --- "what" a subscriber opted out of ---------------------------------------------------------

export type OptOutItem =
  | { type: 'subscription'; categoryName: string; channel: Channel }
  | { type: 'global'; channel: Channel | null };

const BY_CHANNEL: Record<Locale, Record<Channel, string>> = {
  en: {
    email: 'by email',
    sms: 'by text message',
    whatsapp: 'on WhatsApp',
    push: 'by push notification',
  },
  es: {
    email: 'por correo electrónico',
    sms: 'por SMS',
    whatsapp: 'por WhatsApp',
    push: 'por notificación push',
  },
  fr: {
    email: 'par e-mail',
    sms: 'par SMS',
    whatsapp: 'sur WhatsApp',
    push: 'par notification push',
  },
  de: {
    email: 'per E-Mail',
    sms: 'per SMS',
    whatsapp: 'über WhatsApp',
    push: 'per Push-Benachrichtigung',
  },
};
const ALL_MARKETING: Record<Locale, string> = {
  en: 'all marketing messages',
  es: 'todos los mensajes comerciales',
  fr: 'tous les messages commerciaux',
  de: 'alle Werbenachrichten',
};

/** "Promotions by email and all marketing messages by text message", in the locale. */
export function describeOptOuts(locale: Locale, items: OptOutItem[]): string {
  const phrases = items.map((item) => {
    if (item.type === 'subscription')
      return `${item.categoryName} ${BY_CHANNEL[locale][item.channel]}`;
    return item.channel
      ? `${ALL_MARKETING[locale]} ${BY_CHANNEL[locale][item.channel]}`
      : ALL_MARKETING[locale];
  });
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(phrases);
}

// --- the words ---------------------------------------------------------------------------------

type Words = {
  days: (n: number) => string;
  button: string;
  buttonFallback: string;
  sentBy: (name: string) => string;
  questions: (contact: string) => string;
  optOut: {
    subject: string;
    done: (what: string) => string;
    nothingElse: string;
    transactional: (brand: string) => string;
    optBackIn: string;
    linkValid: (days: string) => string;
    feedback: string;
    feedbackLink: string;
  };
  link: {
    subject: string;
    intro: (brand: string) => string;
    expires: (days: string) => string;
    keepPrivate: string;
    notYou: string;
  };
  confirm: {
    subject: string;
    intro: (what: string, brand: string) => string;
    nothingYet: string;
    button: string;
    expires: (days: string) => string;
    notYou: string;
  };
};

const WORDS: Record<Locale, Words> = {
  en: {
    days: (n) => (n === 1 ? '1 day' : `${n} days`),
    button: 'Manage your preferences',
    buttonFallback: 'If the button does not work, copy this link into your browser:',
    sentBy: (name) => `Sent by ${name}.`,
    questions: (contact) => `Questions? Contact ${contact}.`,
    optOut: {
      subject: 'You’re unsubscribed',
      done: (what) => `You’re unsubscribed from ${what}.`,
      nothingElse: 'There is nothing else you need to do.',
      transactional: (brand) =>
        `You will still get the messages you need about what you do with ${brand}, such as receipts and delivery updates.`,
      optBackIn:
        'Changed your mind? You can sign up again, or choose what you get, on your preferences page.',
      linkValid: (days) => `This link works for ${days}.`,
      feedback: 'If you like, tell us why you unsubscribed. It is optional.',
      feedbackLink: 'Tell us why',
    },
    link: {
      subject: 'Your link to manage your preferences',
      intro: (brand) => `Here is your link to manage what ${brand} sends you.`,
      expires: (days) => `The link works for ${days}. After that, you can ask for a new one.`,
      keepPrivate: 'Anyone with this link can change your preferences, so please do not share it.',
      notYou: 'If you did not ask for this link, you can ignore this message. Nothing has changed.',
    },
    confirm: {
      subject: 'Please confirm your subscription',
      intro: (what, brand) => `Please confirm that you want ${what} from ${brand}.`,
      nothingYet: 'Nothing is sent until you confirm.',
      button: 'Yes, subscribe me',
      expires: (days) => `This link works for ${days}.`,
      notYou: 'If you did not sign up, ignore this message: you will not be subscribed.',
    },
  },
  es: {
    days: (n) => (n === 1 ? '1 día' : `${n} días`),
    button: 'Gestionar mis preferencias',
    buttonFallback: 'Si el botón no funciona, copia este enlace en tu navegador:',
    sentBy: (name) => `Enviado por ${name}.`,
    questions: (contact) => `¿Preguntas? Escribe a ${contact}.`,
    optOut: {
      subject: 'Tu baja está confirmada',
      done: (what) => `Hemos registrado tu baja: ${what}.`,
      nothingElse: 'No tienes que hacer nada más.',
      transactional: (brand) =>
        `Seguirás recibiendo los mensajes necesarios sobre lo que hagas con ${brand}, como recibos y avisos de entrega.`,
      optBackIn:
        '¿Has cambiado de opinión? Puedes volver a suscribirte, o elegir qué recibes, en tu página de preferencias.',
      linkValid: (days) => `Este enlace funciona durante ${days}.`,
      feedback: 'Si quieres, cuéntanos por qué te has dado de baja. Es opcional.',
      feedbackLink: 'Cuéntanos por qué',
    },
    link: {
      subject: 'Tu enlace para gestionar tus preferencias',
      intro: (brand) => `Aquí tienes tu enlace para gestionar lo que ${brand} te envía.`,
      expires: (days) => `El enlace funciona durante ${days}. Después, puedes pedir uno nuevo.`,
      keepPrivate:
        'Cualquier persona con este enlace puede cambiar tus preferencias, así que no lo compartas.',
      notYou: 'Si no has pedido este enlace, puedes ignorar este mensaje. No ha cambiado nada.',
    },
    confirm: {
      subject: 'Confirma tu suscripción',
      intro: (what, brand) => `Confirma que quieres recibir ${what} de ${brand}.`,
      nothingYet: 'No te enviaremos nada hasta que confirmes.',
      button: 'Sí, suscribirme',
      expires: (days) => `Este enlace funciona durante ${days}.`,
      notYou: 'Si no te has suscrito, ignora este mensaje: no quedarás suscrito.',
    },
  },
  fr: {
    days: (n) => (n === 1 ? '1 jour' : `${n} jours`),
    button: 'Gérer mes préférences',
    buttonFallback: 'Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :',
    sentBy: (name) => `Envoyé par ${name}.`,
    questions: (contact) => `Des questions ? Écrivez à ${contact}.`,
    optOut: {
      subject: 'Votre désinscription est confirmée',
      done: (what) => `Votre désinscription est enregistrée : ${what}.`,
      nothingElse: 'Vous n’avez rien d’autre à faire.',
      transactional: (brand) =>
        `Vous recevrez toujours les messages utiles sur ce que vous faites avec ${brand}, comme les reçus et les avis de livraison.`,
      optBackIn:
        'Vous avez changé d’avis ? Vous pouvez vous réinscrire, ou choisir ce que vous recevez, sur votre page de préférences.',
      linkValid: (days) => `Ce lien fonctionne pendant ${days}.`,
      feedback: 'Si vous le souhaitez, dites-nous ce qui a motivé votre choix. C’est facultatif.',
      feedbackLink: 'Donner la raison',
    },
    link: {
      subject: 'Votre lien pour gérer vos préférences',
      intro: (brand) => `Voici votre lien pour gérer ce que ${brand} vous envoie.`,
      expires: (days) =>
        `Ce lien fonctionne pendant ${days}. Ensuite, vous pourrez en demander un nouveau.`,
      keepPrivate:
        'Toute personne disposant de ce lien peut modifier vos préférences : ne le partagez pas.',
      notYou:
        'Si vous n’avez pas demandé ce lien, vous pouvez ignorer ce message. Rien n’a été modifié.',
    },
    confirm: {
      subject: 'Confirmez votre inscription',
      intro: (what, brand) => `Confirmez que vous souhaitez recevoir ${what} de ${brand}.`,
      nothingYet: 'Rien ne vous sera envoyé avant votre confirmation.',
      button: 'Oui, je m’inscris',
      expires: (days) => `Ce lien fonctionne pendant ${days}.`,
      notYou: 'Si vous ne vous êtes pas inscrit, ignorez ce message : vous ne serez pas inscrit.',
    },
  },
  de: {
    days: (n) => (n === 1 ? '1 Tag' : `${n} Tage`),
    button: 'Einstellungen verwalten',
    buttonFallback:
      'Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:',
    sentBy: (name) => `Gesendet von ${name}.`,
    questions: (contact) => `Fragen? Schreiben Sie an ${contact}.`,
    optOut: {
      subject: 'Ihre Abmeldung ist bestätigt',
      done: (what) => `Ihre Abmeldung ist erledigt: ${what}.`,
      nothingElse: 'Sie müssen nichts weiter tun.',
      transactional: (brand) =>
        `Nachrichten, die Sie zu Ihren Vorgängen bei ${brand} brauchen, etwa Belege und Lieferinfos, erhalten Sie weiterhin.`,
      optBackIn:
        'Doch anders entschieden? Auf Ihrer Einstellungsseite können Sie sich wieder anmelden oder auswählen, was Sie erhalten.',
      linkValid: (days) => `Dieser Link ist ${days} gültig.`,
      feedback:
        'Wenn Sie möchten, sagen Sie uns, warum Sie sich abgemeldet haben. Das ist freiwillig.',
      feedbackLink: 'Grund angeben',
    },
    link: {
      subject: 'Ihr Link zu Ihren Einstellungen',
      intro: (brand) => `Hier ist Ihr Link, mit dem Sie festlegen, was ${brand} Ihnen schickt.`,
      expires: (days) => `Der Link ist ${days} gültig. Danach können Sie einen neuen anfordern.`,
      keepPrivate:
        'Mit diesem Link kann jede Person Ihre Einstellungen ändern. Bitte geben Sie ihn nicht weiter.',
      notYou:
        'Wenn Sie diesen Link nicht angefordert haben, können Sie diese Nachricht ignorieren. Es hat sich nichts geändert.',
    },
    confirm: {
      subject: 'Bitte bestätigen Sie Ihre Anmeldung',
      intro: (what, brand) =>
        `Bitte bestätigen Sie, dass Sie ${what} von ${brand} erhalten möchten.`,
      nothingYet: 'Bis zu Ihrer Bestätigung schicken wir nichts.',
      button: 'Ja, anmelden',
      expires: (days) => `Dieser Link ist ${days} gültig.`,
      notYou:
        'Wenn Sie sich nicht angemeldet haben, ignorieren Sie diese Nachricht: Sie werden nicht angemeldet.',
    },
  },
};

// --- the workspace's own texts ------------------------------------------------------------------

/** Dial's default subject and text of a mail, with the {{placeholders}} a workspace may use. */
export function defaultMailText(kind: MailTextKind, locale: Locale): MailText {
  const w = WORDS[locale];
  switch (kind) {
    case 'optOutConfirmation':
      return {
        subject: w.optOut.subject,
        body: [
          w.optOut.done('{{what}}'),
          w.optOut.nothingElse,
          w.optOut.transactional('{{brand}}'),
          w.optOut.optBackIn,
          w.optOut.linkValid('{{days}}'),
        ].join('\n\n'),
      };
    case 'preferencesLink':
      return {
        subject: w.link.subject,
        body: [
          w.link.intro('{{brand}}'),
          w.link.expires('{{days}}'),
          w.link.keepPrivate,
          w.link.notYou,
        ].join('\n\n'),
      };
    case 'doubleOptIn':
      return {
        subject: w.confirm.subject,
        body: [
          w.confirm.intro('{{what}}', '{{brand}}'),
          w.confirm.nothingYet,
          w.confirm.expires('{{days}}'),
          w.confirm.notYou,
        ].join('\n\n'),
      };
  }
}

/** The workspace's own text of this mail in this locale, if it wrote one. */
export function mailTextOverride(
  workspace: MailWorkspace,
  kind: MailTextKind,
  locale: Locale,
): MailText | undefined {
  const text = workspace.settings.mailTexts?.[kind]?.[locale];
  return text && typeof text.subject === 'string' && typeof text.body === 'string'
    ? text
    : undefined;
}

/** The workspace's text as blocks: paragraphs apart by blank lines, the first one the lead. */
function overrideBlocks(text: MailText, values: Record<string, string>): Block[] {
  return fillPlaceholders(text.body, values)
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p, i) => ({ kind: i === 0 ? ('lead' as const) : ('p' as const), text: p }));
}

// --- the mails ---------------------------------------------------------------------------------

export function optOutConfirmation(input: {
  workspace: MailWorkspace;
  locale: Locale;
  /** Already in the locale: see `describeOptOuts`. */
  what: string;
  preferencesUrl: string;
  feedbackUrl?: string;
}): RenderedMail {
  const w = WORDS[input.locale];
  const brand = brandName(input.workspace);
  const days = w.days(config().preferencesLinkDays);
  const feedback: Block[] = input.feedbackUrl
    ? [
        { kind: 'p', text: w.optOut.feedback },
        { kind: 'link', label: w.optOut.feedbackLink, url: input.feedbackUrl },
      ]
    : [];
  const own = mailTextOverride(input.workspace, 'optOutConfirmation', input.locale);
  if (own) {
    const values = { brand, what: input.what, days };
    return render(input.workspace, input.locale, fillPlaceholders(own.subject, values), [
      ...overrideBlocks(own, values),
      { kind: 'button', label: w.button, url: input.preferencesUrl },
      ...feedback,
    ]);
  }
  const blocks: Block[] = [
    { kind: 'lead', text: w.optOut.done(input.what) },
    { kind: 'p', text: w.optOut.nothingElse },
    { kind: 'p', text: w.optOut.transactional(brand) },
    { kind: 'p', text: w.optOut.optBackIn },
    { kind: 'button', label: w.button, url: input.preferencesUrl },
    { kind: 'small', text: w.optOut.linkValid(days) },
    ...feedback,
  ];
  return render(input.workspace, input.locale, w.optOut.subject, blocks);
}

export function preferencesLink(input: {
  workspace: MailWorkspace;
  locale: Locale;
  preferencesUrl: string;
}): RenderedMail {
  const w = WORDS[input.locale];
  const days = w.days(config().preferencesLinkDays);
  const brand = brandName(input.workspace);
  const own = mailTextOverride(input.workspace, 'preferencesLink', input.locale);
  if (own) {
    const values = { brand, days };
    return render(input.workspace, input.locale, fillPlaceholders(own.subject, values), [
      ...overrideBlocks(own, values),
      { kind: 'button', label: w.button, url: input.preferencesUrl },
    ]);
  }
  return render(input.workspace, input.locale, w.link.subject, [
    { kind: 'lead', text: w.link.intro(brand) },
    { kind: 'button', label: w.button, url: input.preferencesUrl },
    { kind: 'p', text: w.link.expires(days) },
    { kind: 'p', text: w.link.keepPrivate },
    { kind: 'small', text: w.link.notYou },
  ]);
}

export function doubleOptInRequest(input: {
  workspace: MailWorkspace;
  locale: Locale;
  /** Already in the locale, e.g. "Promotions by email". Never text typed by a visitor. */
  what: string;
  confirmUrl: string;
}): RenderedMail {
  const w = WORDS[input.locale];
  const days = w.days(config().pendingExpiryDays);
  const brand = brandName(input.workspace);
  const own = mailTextOverride(input.workspace, 'doubleOptIn', input.locale);
  if (own) {
    const values = { brand, what: input.what, days };
    return render(input.workspace, input.locale, fillPlaceholders(own.subject, values), [
      ...overrideBlocks(own, values),
      { kind: 'button', label: w.confirm.button, url: input.confirmUrl },
    ]);
  }
  return render(input.workspace, input.locale, w.confirm.subject, [
    { kind: 'lead', text: w.confirm.intro(input.what, brand) },
    { kind: 'p', text: w.confirm.nothingYet },
    { kind: 'button', label: w.confirm.button, url: input.confirmUrl },
    { kind: 'small', text: w.confirm.expires(days) },
    { kind: 'small', text: w.confirm.notYou },
  ]);
}

/**
 * The admin console's magic link. In English: the console is. It names no workspace (an admin
 * may belong to several) and is sent from Dial's own address.
 */
export function adminSignInLink(input: { signInUrl: string; validMinutes: number }): RenderedMail {
  return render({ name: 'Dial', settings: {} }, 'en', 'Your sign-in link for Dial', [
    { kind: 'lead', text: 'Here is your link to sign in to the Dial admin console.' },
    { kind: 'button', label: 'Sign in to Dial', url: input.signInUrl },
    {
      kind: 'p',
      text: `The link works once, for ${input.validMinutes} minutes. Opening it shows a page with a Sign in button; nothing happens until you press it.`,
    },
    {
      kind: 'small',
      text: 'If you did not ask for this link, ignore this message: nobody can sign in without it.',
    },
  ]);
}

// --- rendering ---------------------------------------------------------------------------------

type Block =
  | { kind: 'lead' | 'p' | 'small'; text: string }
  | { kind: 'button' | 'link'; label: string; url: string };

function brandName(workspace: MailWorkspace): string {
  return workspace.settings.senderName || workspace.name;
}

function render(
  workspace: MailWorkspace,
  locale: Locale,
  subject: string,
  blocks: Block[],
): RenderedMail {
  const w = WORDS[locale];
  const footer = [
    w.sentBy(workspace.name),
    ...(workspace.settings.postalAddress ? [workspace.settings.postalAddress] : []),
    ...(workspace.settings.supportContact ? [w.questions(workspace.settings.supportContact)] : []),
  ];
  const text = [
    ...blocks.map((b) => ('url' in b ? `${b.label}:\n${httpUrl(b.url)}` : b.text)),
    // The signature delimiter mail clients recognise, trailing space included.
    '-- ',
    ...footer,
  ].join('\n\n');

  const accent = accentColor(workspace.settings.brand?.accentColor);
  const font =
    "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
  const body = blocks.map((b) => blockHtml(b, w, accent)).join('\n');
  const foot = footer.map((line) => escapeHtml(line).replace(/\r?\n/g, '<br>')).join('<br>\n');
  const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f8fafc;">
<div style="max-width:560px;margin:0 auto;padding:24px 20px;${font};font-size:16px;line-height:1.5;color:#0f172a;">
<p style="margin:0 0 20px;font-size:14px;font-weight:600;color:#334155;">${escapeHtml(brandName(workspace))}</p>
${body}
<hr style="border:none;border-top:1px solid #e2e8f0;margin:24px 0 16px;">
<p style="margin:0;font-size:13px;color:#64748b;">${foot}</p>
</div>
</body>
</html>
`;
  return { subject, text, html };
}

function blockHtml(b: Block, w: Words, accent: { background: string; text: string }): string {
  switch (b.kind) {
    case 'lead':
      return `<p style="margin:0 0 16px;font-size:18px;font-weight:600;">${escapeHtml(b.text)}</p>`;
    case 'p':
      return `<p style="margin:0 0 16px;">${escapeHtml(b.text)}</p>`;
    case 'small':
      return `<p style="margin:0 0 16px;font-size:14px;color:#475569;">${escapeHtml(b.text)}</p>`;
    case 'button': {
      const href = escapeHtml(httpUrl(b.url));
      return [
        `<p style="margin:8px 0 16px;"><a href="${href}" style="display:inline-block;background:${accent.background};color:${accent.text};text-decoration:none;font-weight:600;padding:12px 20px;border-radius:8px;">${escapeHtml(b.label)}</a></p>`,
        `<p style="margin:0 0 16px;font-size:13px;color:#475569;">${escapeHtml(w.buttonFallback)}<br><a href="${href}" style="color:#334155;word-break:break-all;">${href}</a></p>`,
      ].join('\n');
    }
    case 'link':
      return `<p style="margin:0 0 16px;"><a href="${escapeHtml(httpUrl(b.url))}" style="color:#1d4ed8;">${escapeHtml(b.label)}</a></p>`;
  }
}

/** Only web links go into a mail; anything else is a bug upstream, not something to send. */
function httpUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new Error(`Refusing a ${parsed.protocol} link in a mail`);
  return /\s/.test(url) ? parsed.href : url;
}

/** The workspace's accent if it is a plain hex colour, with readable text on it. */
function accentColor(value: string | undefined): { background: string; text: string } {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value ?? '')?.[1];
  if (!hex) return { background: '#1e293b', text: '#ffffff' };
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // White text when it contrasts better than black (WCAG contrast ratio).
  const text = 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#ffffff' : '#0f172a';
  return { background: `#${full}`, text };
}
