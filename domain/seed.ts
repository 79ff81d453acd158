import { type Db, db as getDb } from '@/db/client';
import {
  findWorkspaceBySlug,
  insertConsentTexts,
  insertForms,
  upsertCategories,
} from '@/db/queries/workspaces';
import type { NewCategory, Workspace } from '@/db/schema';
import { applyConsentFor } from './consent';
import { upsertSubscriber } from './subscribers';
import { createWorkspace } from './workspaces';

/**
 * The demo workspace of the Contract. Safe to run again: what exists is left as it is, and the
 * demo subscriber's consent goes through the one door (a repeat changes nothing).
 */

export const DEMO_SLUG = 'demo';
export const DEMO_EMAIL = 'demo@example.com';
/** Every port on loopback, so a demo host page on any port may embed the forms. */
export const DEMO_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'];

const CATEGORIES: Omit<NewCategory, 'workspaceId'>[] = [
  {
    slug: 'promotions',
    kind: 'marketing',
    channels: ['email', 'sms', 'whatsapp', 'push'],
    frequencies: ['instant', 'weekly', 'monthly'],
    defaultFrequency: 'instant',
    position: 1,
    texts: {
      en: { name: 'Promotions', description: 'Sales, offers and discount codes.' },
      es: { name: 'Promociones', description: 'Rebajas, ofertas y códigos de descuento.' },
      fr: { name: 'Promotions', description: 'Soldes, offres et codes de réduction.' },
      de: { name: 'Angebote', description: 'Rabattaktionen, Angebote und Gutscheincodes.' },
    },
  },
  {
    slug: 'product-news',
    kind: 'marketing',
    channels: ['email', 'push'],
    frequencies: ['instant', 'monthly'],
    defaultFrequency: 'instant',
    position: 2,
    texts: {
      en: { name: 'Product news', description: 'New products and features, a few times a month.' },
      es: { name: 'Novedades', description: 'Nuevos productos y funciones, pocas veces al mes.' },
      fr: {
        name: 'Nouveautés',
        description: 'Nouveaux produits et fonctions, quelques fois par mois.',
      },
      de: {
        name: 'Produktneuheiten',
        description: 'Neue Produkte und Funktionen, ein paar Mal im Monat.',
      },
    },
  },
  {
    slug: 'order-updates',
    kind: 'transactional',
    channels: ['email', 'sms', 'whatsapp'],
    frequencies: ['instant'],
    defaultFrequency: 'instant',
    position: 3,
    texts: {
      en: {
        name: 'Order updates',
        description: 'Receipts, shipping and delivery notices. Always on.',
      },
      es: { name: 'Estado de pedidos', description: 'Recibos, envíos y entregas. Siempre activo.' },
      fr: {
        name: 'Suivi de commande',
        description: 'Reçus, expédition et livraison. Toujours actif.',
      },
      de: { name: 'Bestellstatus', description: 'Belege, Versand- und Zustellinfos. Immer aktiv.' },
    },
  },
];

const CONSENT_TEXT_KEY = 'marketing-consent';
const CONSENT_TEXTS: Record<string, string> = {
  en: 'Yes, send me the messages I ticked above. I can opt out or choose fewer at any time with the link in every message.',
  es: 'Sí, envíenme los mensajes que marqué arriba. Puedo darme de baja o elegir menos en cualquier momento con el enlace de cada mensaje.',
  fr: 'Oui, envoyez-moi les messages cochés ci-dessus. Je peux me désinscrire ou en choisir moins à tout moment grâce au lien présent dans chaque message.',
  de: 'Ja, sendet mir die oben angekreuzten Nachrichten. Ich kann mich jederzeit über den Link in jeder Nachricht abmelden oder weniger wählen.',
};

export type SeedResult = { workspace: Workspace; created: boolean; subscriberId: string };

export async function seedDemo(database?: Db): Promise<SeedResult> {
  const dbh = database ?? (await getDb());
  let workspace = await findWorkspaceBySlug(dbh, DEMO_SLUG);
  const created = !workspace;
  if (!workspace) {
    workspace = await createWorkspace(
      {
        slug: DEMO_SLUG,
        name: 'Demo Shop',
        settings: {
          senderName: 'Demo Shop',
          fromAddress: 'hello@demo.example',
          replyTo: 'support@demo.example',
          supportContact: 'support@demo.example',
          postalAddress: '1 Example Street, Springfield',
          brand: { accentColor: '#4f46e5' },
          locales: ['en', 'es', 'fr', 'de'],
          defaultLocale: 'en',
          policies: {
            doubleOptIn: { email: true, sms: true, whatsapp: true },
            confirmationMessages: true,
            feedbackQuestion: true,
          },
        },
      },
      dbh,
    );
  }
  const workspaceId = workspace.id;
  await upsertCategories(
    dbh,
    CATEGORIES.map((c) => ({ ...c, workspaceId })),
  );
  await insertConsentTexts(
    dbh,
    Object.entries(CONSENT_TEXTS).map(([locale, body]) => ({
      workspaceId,
      key: CONSENT_TEXT_KEY,
      locale,
      version: 1,
      body,
    })),
  );
  await insertForms(dbh, [
    {
      workspaceId,
      slug: 'newsletter',
      name: 'Newsletter sign-up',
      fields: ['email'],
      categorySlugs: ['promotions', 'product-news'],
      channels: ['email'],
      consentTextKey: CONSENT_TEXT_KEY,
      doubleOptIn: { email: true },
      successMessage: {
        en: 'Almost done: check your inbox to confirm.',
        es: 'Casi listo: revisa tu correo para confirmar.',
      },
      allowedOrigins: DEMO_ORIGINS,
    },
    {
      workspaceId,
      slug: 'checkout',
      name: 'Checkout consent',
      fields: ['email', 'phone'],
      categorySlugs: ['promotions'],
      channels: ['email', 'sms'],
      consentTextKey: CONSENT_TEXT_KEY,
      doubleOptIn: { email: true, sms: true },
      successMessage: {
        en: 'Thanks! Confirm from your inbox or phone.',
        es: '¡Gracias! Confirma desde tu correo o teléfono.',
      },
      allowedOrigins: DEMO_ORIGINS,
    },
  ]);
  const { subscriber } = await upsertSubscriber(
    workspaceId,
    { email: DEMO_EMAIL, locale: 'en' },
    dbh,
  );
  await applyConsentFor(
    {
      workspaceId,
      subscriberId: subscriber.id,
      source: 'import',
      evidence: { detail: { seed: 'demo' } },
      changes: [
        { type: 'subscription', category: 'promotions', channel: 'email', status: 'subscribed' },
        { type: 'subscription', category: 'product-news', channel: 'email', status: 'subscribed' },
      ],
    },
    dbh,
  );
  return { workspace, created, subscriberId: subscriber.id };
}
