import type { Locale } from '@/domain/i18n';

/** The words of embedded forms and of the double opt-in confirmation page, in four languages. */
const en = {
  title: 'Sign up',
  email: 'Email address',
  phone: 'Mobile number',
  phoneHint: 'With the country code, like +44 7700 900123',
  choose: 'What would you like to receive?',
  submit: 'Subscribe',
  required: 'Please fill this in.',
  invalidEmail: 'Enter an email address like name@example.com.',
  invalidPhone: 'Enter a mobile number with its country code, like +44 7700 900123.',
  chooseOne: 'Tick at least one.',
  stale: 'This form was open for a long time. Please send it again.',
  limited: (minutes: number) => `Too many attempts. Please try again in ${minutes} minutes.`,
  pending: 'Almost done: check your inbox or phone to confirm.',
  subscribed: 'Thank you! You are subscribed.',
  honeypot: 'Leave this empty',
  confirm: {
    title: 'Confirm your subscription',
    body: (what: string, brand: string) =>
      `Tap the button to confirm that you want ${what} from ${brand}.`,
    button: 'Confirm',
    confirmed: 'Thank you! Your subscription is confirmed.',
    already: 'This subscription is already confirmed.',
    nothing:
      'There is nothing left to confirm: it may have expired. Sign up again on the site where you found the form.',
  },
};
export type EmbedMessages = typeof en;

const es: EmbedMessages = {
  title: 'Suscribirse',
  email: 'Correo electrónico',
  phone: 'Número de móvil',
  phoneHint: 'Con el prefijo del país, como +34 600 000 000',
  choose: '¿Qué te gustaría recibir?',
  submit: 'Suscribirme',
  required: 'Rellena este campo.',
  invalidEmail: 'Escribe un correo como nombre@ejemplo.com.',
  invalidPhone: 'Escribe un móvil con el prefijo del país, como +34 600 000 000.',
  chooseOne: 'Marca al menos una opción.',
  stale: 'Este formulario estuvo abierto mucho tiempo. Envíalo de nuevo, por favor.',
  limited: (minutes) => `Demasiados intentos. Inténtalo de nuevo en ${minutes} minutos.`,
  pending: 'Casi listo: revisa tu correo o tu móvil para confirmar.',
  subscribed: '¡Gracias! Ya estás suscrito.',
  honeypot: 'Deja esto vacío',
  confirm: {
    title: 'Confirma tu suscripción',
    body: (what, brand) => `Pulsa el botón para confirmar que quieres recibir ${what} de ${brand}.`,
    button: 'Confirmar',
    confirmed: '¡Gracias! Tu suscripción está confirmada.',
    already: 'Esta suscripción ya estaba confirmada.',
    nothing:
      'No queda nada por confirmar: puede que haya caducado. Vuelve a suscribirte en el sitio donde encontraste el formulario.',
  },
};

const fr: EmbedMessages = {
  title: 'S’inscrire',
  email: 'Adresse e-mail',
  phone: 'Numéro de mobile',
  phoneHint: 'Avec l’indicatif du pays, comme +33 6 12 34 56 78',
  choose: 'Que souhaitez-vous recevoir ?',
  submit: 'M’inscrire',
  required: 'Veuillez remplir ce champ.',
  invalidEmail: 'Saisissez une adresse comme nom@exemple.com.',
  invalidPhone: 'Saisissez un mobile avec l’indicatif du pays, comme +33 6 12 34 56 78.',
  chooseOne: 'Cochez au moins une case.',
  stale: 'Ce formulaire est resté ouvert longtemps. Veuillez l’envoyer à nouveau.',
  limited: (minutes) => `Trop de tentatives. Réessayez dans ${minutes} minutes.`,
  pending: 'Presque fini : consultez vos e-mails ou votre téléphone pour confirmer.',
  subscribed: 'Merci ! Vous êtes inscrit.',
  honeypot: 'Laissez ce champ vide',
  confirm: {
    title: 'Confirmez votre inscription',
    body: (what, brand) =>
      `Appuyez sur le bouton pour confirmer que vous souhaitez recevoir ${what} de ${brand}.`,
    button: 'Confirmer',
    confirmed: 'Merci ! Votre inscription est confirmée.',
    already: 'Cette inscription était déjà confirmée.',
    nothing:
      'Il n’y a plus rien à confirmer : le lien a peut-être expiré. Inscrivez-vous à nouveau sur le site où vous avez trouvé le formulaire.',
  },
};

const de: EmbedMessages = {
  title: 'Anmelden',
  email: 'E-Mail-Adresse',
  phone: 'Handynummer',
  phoneHint: 'Mit Ländervorwahl, etwa +49 151 23456789',
  choose: 'Was möchten Sie erhalten?',
  submit: 'Anmelden',
  required: 'Bitte ausfüllen.',
  invalidEmail: 'Geben Sie eine Adresse wie name@beispiel.de ein.',
  invalidPhone: 'Geben Sie eine Handynummer mit Ländervorwahl ein, etwa +49 151 23456789.',
  chooseOne: 'Bitte mindestens eines ankreuzen.',
  stale: 'Dieses Formular war lange geöffnet. Bitte senden Sie es erneut.',
  limited: (minutes) => `Zu viele Versuche. Bitte versuchen Sie es in ${minutes} Minuten erneut.`,
  pending: 'Fast geschafft: Bestätigen Sie bitte per E-Mail oder Handy.',
  subscribed: 'Danke! Sie sind angemeldet.',
  honeypot: 'Dieses Feld leer lassen',
  confirm: {
    title: 'Anmeldung bestätigen',
    body: (what, brand) =>
      `Tippen Sie auf die Schaltfläche, um zu bestätigen, dass Sie ${what} von ${brand} erhalten möchten.`,
    button: 'Bestätigen',
    confirmed: 'Danke! Ihre Anmeldung ist bestätigt.',
    already: 'Diese Anmeldung war schon bestätigt.',
    nothing:
      'Es gibt nichts mehr zu bestätigen: Der Link ist vielleicht abgelaufen. Melden Sie sich auf der Website, auf der Sie das Formular gefunden haben, erneut an.',
  },
};

const ALL: Record<Locale, EmbedMessages> = { en, es, fr, de };

export function embedMessages(locale: Locale): EmbedMessages {
  return ALL[locale];
}
