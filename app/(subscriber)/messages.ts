import type { Locale } from '@/domain/i18n';

/**
 * Every word the subscriber pages say, in every language they speak. English is the shape the
 * others must match (TypeScript checks it). Category names come from the workspace, per locale.
 */

type Channel = 'email' | 'sms' | 'whatsapp' | 'push';
type Frequency = 'instant' | 'daily' | 'weekly' | 'monthly';
type LinkProblemKey =
  | 'expired'
  | 'revoked_key'
  | 'malformed'
  | 'bad_signature'
  | 'unknown_key'
  | 'wrong_workspace'
  | 'wrong_purpose'
  | 'unknown_subscriber'
  | 'confirm_invalid';
type Reason =
  | 'too_frequent'
  | 'not_relevant'
  | 'never_signed_up'
  | 'prefer_other_channel'
  | 'privacy'
  | 'other';

const en = {
  notFound: ['Page not found', 'There is nothing at this address.'] as [string, string],
  channel: {
    email: 'Email',
    sms: 'Text messages',
    whatsapp: 'WhatsApp',
    push: 'Push notifications',
  } as Record<Channel, string>,
  frequency: {
    instant: 'As they happen',
    daily: 'At most once a day',
    weekly: 'At most once a week',
    monthly: 'At most once a month',
  } as Record<Frequency, string>,
  what: {
    categoryOn: (category: string, channel: Channel) =>
      `${category} ${{ email: 'by email', sms: 'by text message', whatsapp: 'on WhatsApp', push: 'as push notifications' }[channel]}`,
    category: (category: string) => category,
    channel: (channel: Channel) =>
      ({
        email: 'all marketing emails',
        sms: 'all marketing text messages',
        whatsapp: 'all marketing WhatsApp messages',
        push: 'all marketing push notifications',
      })[channel],
    everything: 'all marketing messages',
  },
  language: 'Language',
  questions: (contact: string) => `Questions? Write to ${contact}.`,
  sentBy: (brand: string) => `Messages from ${brand}`,
  landing: {
    title: 'Unsubscribe',
    heading: 'Stop these messages?',
    stops: (what: string, brand: string) => `This link stops ${what} from ${brand}.`,
    already: (what: string) => `You are already unsubscribed from ${what}.`,
    this: (what: string) => `Unsubscribe from ${what}`,
    everything: 'Unsubscribe from everything',
    everythingHint: (brand: string) =>
      `All marketing from ${brand}, on every channel. Receipts and order updates still arrive.`,
    less: 'Send me less instead',
    lessHint: 'Fewer messages, fewer topics, or a break for a while.',
  },
  done: {
    title: 'Unsubscribed',
    heading: 'You are unsubscribed',
    body: (what: string, brand: string) => `You will not get ${what} from ${brand} any more.`,
    transactional: 'Receipts and order updates still arrive.',
    undo: 'Undo',
    undoHint: (minutes: number) => `Changed your mind? You can undo this for ${minutes} minutes.`,
    optInAgain: (brand: string) =>
      `To opt in again later, use “Manage preferences” in any message from ${brand}, or`,
    askLink: 'ask for a link by email',
    feedbackHeading: 'Would you tell us why?',
    feedbackOptional:
      'Optional. Your answer goes to the sender, to help them send better messages.',
    reasons: {
      too_frequent: 'Too many messages',
      not_relevant: 'Not relevant to me',
      never_signed_up: 'I never signed up',
      prefer_other_channel: 'I prefer another channel',
      privacy: 'Privacy concerns',
      other: 'Something else',
    } as Record<Reason, string>,
    comment: 'Anything else? (optional, up to 1,000 characters)',
    send: 'Send',
    skip: 'Skip',
    thanks: (brand: string) => `Thank you. Your answer helps ${brand} send better messages.`,
    skipped: 'No problem.',
    undoneHeading: 'You are subscribed again',
    undoneBody: 'We restored your settings exactly as they were.',
    undoUnavailable:
      'This undo link was already used or has expired. You can still change your preferences.',
    commentTooLong: 'Please keep the comment to 1,000 characters.',
  },
  prefs: {
    title: 'Your preferences',
    heading: 'Your message preferences',
    intro: (brand: string) => `Choose what ${brand} sends you, and how often.`,
    reduceIntro:
      'Choose fewer messages, fewer topics or a break. To turn things on, use “Manage preferences” in any message.',
    alwaysOn: 'Always on',
    alwaysOnHint: 'Receipts and service messages cannot be turned off.',
    off: 'Off',
    howOften: 'How often',
    breakHeading: 'Take a break',
    noBreak: 'No break',
    pauseFor: (days: number) => `Pause for ${days} days`,
    pausedUntil: (date: string) => `Marketing messages are paused until ${date}.`,
    resumeNow: 'Resume now',
    keepPause: 'Keep the pause',
    channelsHeading: 'Stop a whole channel',
    stopChannel: (channel: string) => `Stop all ${channel}`,
    stopEverything: 'Stop everything',
    stopEverythingHint: 'No marketing at all, on any channel.',
    privacyHeading: 'Your privacy',
    doNotSell: 'Do not sell or share my personal information',
    save: 'Save my choices',
    saved: 'Saved. Your choices apply right away.',
    nothingChanged: 'Nothing to save: nothing was changed.',
    conflict:
      'Your preferences were changed elsewhere (in another tab or on another device) while this page was open. We did not overwrite them: this is what is set now. Make your change again if you still want it.',
    refused: 'Some of these changes could not be made:',
    gpc: 'Your browser asked us not to sell or share your data (Global Privacy Control). We recorded that.',
    stale: 'Please try again: the page you sent was out of date.',
    pending: 'Waiting for you to confirm',
    dataHeading: 'Your data',
    download: 'Download my data',
    erase: 'Erase me',
    eraseHeading: 'Erase my data?',
    eraseBody: (brand: string) =>
      `This removes your address and everything ${brand} keeps here about you, and stops every marketing message. We keep only a coded fingerprint of your address, so that you are never added again by mistake.`,
    eraseConfirm: 'Yes, erase my data',
    eraseButton: 'Erase my data',
    cancel: 'Cancel',
    erasedHeading: 'Your data is erased',
    erasedBody:
      'We removed your address and what we knew about you. Only a coded fingerprint remains, so that you are not added again.',
  },
  link: {
    title: 'Get a link to your preferences',
    heading: 'Get a link to your preferences',
    body: (brand: string) =>
      `Enter your email address. If it is on ${brand}’s list, we will email you a link to choose what you receive.`,
    label: 'Email address',
    button: 'Email me a link',
    sent: (days: number) =>
      `Check your inbox. If that address is on the list, a link is on its way. It works for ${days} days.`,
    limited: (minutes: number) => `Too many requests. Please try again in ${minutes} minutes.`,
    invalid: 'Enter an email address like name@example.com.',
  },
  problems: {
    expired: [
      'This link has expired',
      'Links to your preferences stop working after a while, to keep them safe.',
    ],
    revoked_key: ['This link no longer works', 'It was switched off for security reasons.'],
    malformed: [
      'This link is not complete',
      'Part of it may be missing. Try copying the whole link again.',
    ],
    bad_signature: [
      'This link is not valid',
      'It may have been changed on the way. Try copying the whole link again.',
    ],
    unknown_key: ['This link is not valid', 'Try the link in a newer message.'],
    wrong_workspace: ['This link is not valid', 'Try the link in a newer message.'],
    wrong_purpose: [
      'This link is for something else',
      'Use the “Manage preferences” link in the message.',
    ],
    unknown_subscriber: [
      'We could not find your subscription',
      'It may have been erased at your request.',
    ],
    confirm_invalid: [
      'This confirmation link does not work',
      'It may have expired. Sign up again on the site where you found the form.',
    ],
  } as Record<LinkProblemKey, [string, string]>,
  freshLink: 'Email me a fresh link',
};

export type Messages = typeof en;

const es: Messages = {
  notFound: ['Página no encontrada', 'No hay nada en esta dirección.'],
  channel: {
    email: 'Correo electrónico',
    sms: 'Mensajes de texto',
    whatsapp: 'WhatsApp',
    push: 'Notificaciones push',
  },
  frequency: {
    instant: 'En cuanto haya novedades',
    daily: 'Como mucho una vez al día',
    weekly: 'Como mucho una vez a la semana',
    monthly: 'Como mucho una vez al mes',
  },
  what: {
    categoryOn: (category, channel) =>
      `${category} ${{ email: 'por correo', sms: 'por SMS', whatsapp: 'por WhatsApp', push: 'como notificaciones push' }[channel]}`,
    category: (category) => category,
    channel: (channel) =>
      ({
        email: 'todos los correos de marketing',
        sms: 'todos los SMS de marketing',
        whatsapp: 'todos los mensajes de marketing por WhatsApp',
        push: 'todas las notificaciones push de marketing',
      })[channel],
    everything: 'todos los mensajes de marketing',
  },
  language: 'Idioma',
  questions: (contact) => `¿Preguntas? Escribe a ${contact}.`,
  sentBy: (brand) => `Mensajes de ${brand}`,
  landing: {
    title: 'Darse de baja',
    heading: '¿Dejar de recibir estos mensajes?',
    stops: (what, brand) => `Este enlace detiene ${what} de ${brand}.`,
    already: (what) => `Ya estás dado de baja de ${what}.`,
    this: (what) => `Darme de baja de ${what}`,
    everything: 'Darme de baja de todo',
    everythingHint: (brand) =>
      `Todo el marketing de ${brand}, en todos los canales. Los recibos y avisos de pedidos seguirán llegando.`,
    less: 'Prefiero recibir menos',
    lessHint: 'Menos mensajes, menos temas o un descanso por un tiempo.',
  },
  done: {
    title: 'Baja confirmada',
    heading: 'Te has dado de baja',
    body: (what, brand) => `Ya no recibirás ${what} de ${brand}.`,
    transactional: 'Los recibos y avisos de pedidos seguirán llegando.',
    undo: 'Deshacer',
    undoHint: (minutes) => `¿Has cambiado de idea? Puedes deshacerlo durante ${minutes} minutos.`,
    optInAgain: (brand) =>
      `Para volver a suscribirte más adelante, usa «Gestionar preferencias» en cualquier mensaje de ${brand}, o`,
    askLink: 'pide un enlace por correo',
    feedbackHeading: '¿Nos dices por qué?',
    feedbackOptional: 'Opcional. Tu respuesta llega al remitente para que envíe mejores mensajes.',
    reasons: {
      too_frequent: 'Demasiados mensajes',
      not_relevant: 'No me interesan',
      never_signed_up: 'Nunca me suscribí',
      prefer_other_channel: 'Prefiero otro canal',
      privacy: 'Motivos de privacidad',
      other: 'Otro motivo',
    },
    comment: '¿Algo más? (opcional, hasta 1.000 caracteres)',
    send: 'Enviar',
    skip: 'Omitir',
    thanks: (brand) => `Gracias. Tu respuesta ayuda a ${brand} a enviar mejores mensajes.`,
    skipped: 'Sin problema.',
    undoneHeading: 'Vuelves a estar suscrito',
    undoneBody: 'Hemos restaurado tus ajustes tal como estaban.',
    undoUnavailable:
      'Este enlace para deshacer ya se usó o ha caducado. Aún puedes cambiar tus preferencias.',
    commentTooLong: 'El comentario puede tener como máximo 1.000 caracteres.',
  },
  prefs: {
    title: 'Tus preferencias',
    heading: 'Tus preferencias de mensajes',
    intro: (brand) => `Elige qué te envía ${brand} y con qué frecuencia.`,
    reduceIntro:
      'Elige menos mensajes, menos temas o un descanso. Para activar algo, usa «Gestionar preferencias» en cualquier mensaje.',
    alwaysOn: 'Siempre activo',
    alwaysOnHint: 'Los recibos y mensajes de servicio no se pueden desactivar.',
    off: 'Desactivado',
    howOften: 'Frecuencia',
    breakHeading: 'Tomarse un descanso',
    noBreak: 'Sin descanso',
    pauseFor: (days) => `Pausar ${days} días`,
    pausedUntil: (date) => `Los mensajes de marketing están en pausa hasta el ${date}.`,
    resumeNow: 'Reanudar ahora',
    keepPause: 'Mantener la pausa',
    channelsHeading: 'Detener un canal completo',
    stopChannel: (channel) => `Detener todo: ${channel}`,
    stopEverything: 'Detener todo',
    stopEverythingHint: 'Nada de marketing, en ningún canal.',
    privacyHeading: 'Tu privacidad',
    doNotSell: 'No vender ni compartir mis datos personales',
    save: 'Guardar mis preferencias',
    saved: 'Guardado. Tus preferencias se aplican de inmediato.',
    nothingChanged: 'Nada que guardar: no se cambió nada.',
    conflict:
      'Tus preferencias se cambiaron en otro lugar (otra pestaña u otro dispositivo) mientras esta página estaba abierta. No las hemos sobrescrito: esto es lo que está activo ahora. Vuelve a hacer el cambio si aún lo quieres.',
    refused: 'Algunos cambios no se pudieron hacer:',
    gpc: 'Tu navegador nos pidió no vender ni compartir tus datos (Global Privacy Control). Lo hemos registrado.',
    stale: 'Inténtalo de nuevo: la página que enviaste estaba desactualizada.',
    pending: 'Pendiente de tu confirmación',
    dataHeading: 'Tus datos',
    download: 'Descargar mis datos',
    erase: 'Borrarme',
    eraseHeading: '¿Borrar mis datos?',
    eraseBody: (brand) =>
      `Esto elimina tu dirección y todo lo que ${brand} guarda aquí sobre ti, y detiene todo el marketing. Solo conservamos una huella cifrada de tu dirección para que nunca se te vuelva a añadir por error.`,
    eraseConfirm: 'Sí, borrar mis datos',
    eraseButton: 'Borrar mis datos',
    cancel: 'Cancelar',
    erasedHeading: 'Tus datos se han borrado',
    erasedBody:
      'Hemos eliminado tu dirección y lo que sabíamos de ti. Solo queda una huella cifrada para que no se te vuelva a añadir.',
  },
  link: {
    title: 'Recibir un enlace a tus preferencias',
    heading: 'Recibir un enlace a tus preferencias',
    body: (brand) =>
      `Escribe tu correo. Si está en la lista de ${brand}, te enviaremos un enlace para elegir qué recibes.`,
    label: 'Correo electrónico',
    button: 'Enviarme un enlace',
    sent: (days) =>
      `Revisa tu bandeja de entrada. Si esa dirección está en la lista, el enlace va en camino. Funciona durante ${days} días.`,
    limited: (minutes) => `Demasiadas solicitudes. Inténtalo de nuevo en ${minutes} minutos.`,
    invalid: 'Escribe un correo como nombre@ejemplo.com.',
  },
  problems: {
    expired: [
      'Este enlace ha caducado',
      'Los enlaces a tus preferencias dejan de funcionar pasado un tiempo, por seguridad.',
    ],
    revoked_key: ['Este enlace ya no funciona', 'Se desactivó por motivos de seguridad.'],
    malformed: [
      'Este enlace está incompleto',
      'Puede que falte una parte. Copia de nuevo el enlace completo.',
    ],
    bad_signature: [
      'Este enlace no es válido',
      'Puede que se haya modificado. Copia de nuevo el enlace completo.',
    ],
    unknown_key: ['Este enlace no es válido', 'Prueba con el enlace de un mensaje más reciente.'],
    wrong_workspace: [
      'Este enlace no es válido',
      'Prueba con el enlace de un mensaje más reciente.',
    ],
    wrong_purpose: [
      'Este enlace es para otra cosa',
      'Usa el enlace «Gestionar preferencias» del mensaje.',
    ],
    unknown_subscriber: ['No encontramos tu suscripción', 'Puede que se borrara a petición tuya.'],
    confirm_invalid: [
      'Este enlace de confirmación no funciona',
      'Puede que haya caducado. Vuelve a suscribirte en el sitio donde encontraste el formulario.',
    ],
  },
  freshLink: 'Enviarme un enlace nuevo',
};

const fr: Messages = {
  notFound: ['Page introuvable', 'Il n’y a rien à cette adresse.'],
  channel: { email: 'E-mail', sms: 'SMS', whatsapp: 'WhatsApp', push: 'Notifications push' },
  frequency: {
    instant: 'Au fil de l’eau',
    daily: 'Au plus une fois par jour',
    weekly: 'Au plus une fois par semaine',
    monthly: 'Au plus une fois par mois',
  },
  what: {
    categoryOn: (category, channel) =>
      `${category} ${{ email: 'par e-mail', sms: 'par SMS', whatsapp: 'sur WhatsApp', push: 'en notifications push' }[channel]}`,
    category: (category) => category,
    channel: (channel) =>
      ({
        email: 'tous les e-mails marketing',
        sms: 'tous les SMS marketing',
        whatsapp: 'tous les messages marketing WhatsApp',
        push: 'toutes les notifications push marketing',
      })[channel],
    everything: 'tous les messages marketing',
  },
  language: 'Langue',
  questions: (contact) => `Des questions ? Écrivez à ${contact}.`,
  sentBy: (brand) => `Messages de ${brand}`,
  landing: {
    title: 'Se désinscrire',
    heading: 'Ne plus recevoir ces messages ?',
    stops: (what, brand) => `Ce lien arrête ${what} de ${brand}.`,
    already: (what) => `Vous êtes déjà désinscrit de ${what}.`,
    this: (what) => `Me désinscrire de ${what}`,
    everything: 'Me désinscrire de tout',
    everythingHint: (brand) =>
      `Tout le marketing de ${brand}, sur tous les canaux. Les reçus et le suivi de commande continuent d’arriver.`,
    less: 'Recevoir moins de messages',
    lessHint: 'Moins de messages, moins de sujets, ou une pause.',
  },
  done: {
    title: 'Désinscription confirmée',
    heading: 'Vous êtes désinscrit',
    body: (what, brand) => `Vous ne recevrez plus ${what} de ${brand}.`,
    transactional: 'Les reçus et le suivi de commande continuent d’arriver.',
    undo: 'Annuler',
    undoHint: (minutes) =>
      `Vous avez changé d’avis ? Vous pouvez annuler pendant ${minutes} minutes.`,
    optInAgain: (brand) =>
      `Pour vous réinscrire plus tard, utilisez « Gérer mes préférences » dans un message de ${brand}, ou`,
    askLink: 'demandez un lien par e-mail',
    feedbackHeading: 'Pouvez-vous nous dire pourquoi ?',
    feedbackOptional:
      'Facultatif. Votre réponse aide l’expéditeur à envoyer de meilleurs messages.',
    reasons: {
      too_frequent: 'Trop de messages',
      not_relevant: 'Cela ne me concerne pas',
      never_signed_up: 'Je ne me suis jamais inscrit',
      prefer_other_channel: 'Je préfère un autre canal',
      privacy: 'Vie privée',
      other: 'Autre raison',
    },
    comment: 'Autre chose ? (facultatif, 1 000 caractères au plus)',
    send: 'Envoyer',
    skip: 'Passer',
    thanks: (brand) => `Merci. Votre réponse aide ${brand} à envoyer de meilleurs messages.`,
    skipped: 'Pas de souci.',
    undoneHeading: 'Vous êtes de nouveau inscrit',
    undoneBody: 'Nous avons rétabli vos réglages tels qu’ils étaient.',
    undoUnavailable:
      'Ce lien d’annulation a déjà servi ou a expiré. Vous pouvez toujours modifier vos préférences.',
    commentTooLong: 'Le commentaire ne peut dépasser 1 000 caractères.',
  },
  prefs: {
    title: 'Vos préférences',
    heading: 'Vos préférences de messages',
    intro: (brand) => `Choisissez ce que ${brand} vous envoie, et à quelle fréquence.`,
    reduceIntro:
      'Choisissez moins de messages, moins de sujets ou une pause. Pour activer quelque chose, utilisez « Gérer mes préférences » dans un message.',
    alwaysOn: 'Toujours actif',
    alwaysOnHint: 'Les reçus et messages de service ne peuvent pas être désactivés.',
    off: 'Désactivé',
    howOften: 'Fréquence',
    breakHeading: 'Faire une pause',
    noBreak: 'Pas de pause',
    pauseFor: (days) => `Pause de ${days} jours`,
    pausedUntil: (date) => `Les messages marketing sont en pause jusqu’au ${date}.`,
    resumeNow: 'Reprendre maintenant',
    keepPause: 'Garder la pause',
    channelsHeading: 'Arrêter tout un canal',
    stopChannel: (channel) => `Arrêter : ${channel}`,
    stopEverything: 'Tout arrêter',
    stopEverythingHint: 'Aucun marketing, sur aucun canal.',
    privacyHeading: 'Votre vie privée',
    doNotSell: 'Ne pas vendre ni partager mes données personnelles',
    save: 'Enregistrer mes choix',
    saved: 'Enregistré. Vos choix s’appliquent immédiatement.',
    nothingChanged: 'Rien à enregistrer : rien n’a été modifié.',
    conflict:
      'Vos préférences ont été modifiées ailleurs (dans un autre onglet ou sur un autre appareil) pendant que cette page était ouverte. Nous ne les avons pas écrasées : voici les réglages actuels. Refaites votre modification si vous la souhaitez toujours.',
    refused: 'Certaines modifications n’ont pas pu être faites :',
    gpc: 'Votre navigateur nous a demandé de ne pas vendre ni partager vos données (Global Privacy Control). C’est noté.',
    stale: 'Veuillez réessayer : la page envoyée n’était plus à jour.',
    pending: 'En attente de votre confirmation',
    dataHeading: 'Vos données',
    download: 'Télécharger mes données',
    erase: 'M’effacer',
    eraseHeading: 'Effacer mes données ?',
    eraseBody: (brand) =>
      `Cela supprime votre adresse et tout ce que ${brand} conserve ici à votre sujet, et arrête tout message marketing. Nous gardons seulement une empreinte chiffrée de votre adresse, pour ne jamais vous réinscrire par erreur.`,
    eraseConfirm: 'Oui, effacer mes données',
    eraseButton: 'Effacer mes données',
    cancel: 'Annuler',
    erasedHeading: 'Vos données sont effacées',
    erasedBody:
      'Nous avons supprimé votre adresse et ce que nous savions de vous. Seule une empreinte chiffrée reste, pour ne pas vous réinscrire.',
  },
  link: {
    title: 'Recevoir un lien vers vos préférences',
    heading: 'Recevoir un lien vers vos préférences',
    body: (brand) =>
      `Saisissez votre adresse e-mail. Si elle figure dans la liste de ${brand}, nous vous enverrons un lien pour choisir ce que vous recevez.`,
    label: 'Adresse e-mail',
    button: 'M’envoyer un lien',
    sent: (days) =>
      `Consultez votre boîte de réception. Si cette adresse figure dans la liste, un lien arrive. Il fonctionne ${days} jours.`,
    limited: (minutes) => `Trop de demandes. Réessayez dans ${minutes} minutes.`,
    invalid: 'Saisissez une adresse comme nom@exemple.com.',
  },
  problems: {
    expired: [
      'Ce lien a expiré',
      'Les liens vers vos préférences cessent de fonctionner au bout d’un moment, par sécurité.',
    ],
    revoked_key: ['Ce lien ne fonctionne plus', 'Il a été désactivé pour des raisons de sécurité.'],
    malformed: [
      'Ce lien est incomplet',
      'Une partie manque peut-être. Copiez de nouveau le lien en entier.',
    ],
    bad_signature: [
      'Ce lien n’est pas valide',
      'Il a peut-être été modifié. Copiez de nouveau le lien en entier.',
    ],
    unknown_key: ['Ce lien n’est pas valide', 'Essayez le lien d’un message plus récent.'],
    wrong_workspace: ['Ce lien n’est pas valide', 'Essayez le lien d’un message plus récent.'],
    wrong_purpose: [
      'Ce lien sert à autre chose',
      'Utilisez le lien « Gérer mes préférences » du message.',
    ],
    unknown_subscriber: ['Abonnement introuvable', 'Il a peut-être été effacé à votre demande.'],
    confirm_invalid: [
      'Ce lien de confirmation ne fonctionne pas',
      'Il a peut-être expiré. Inscrivez-vous à nouveau sur le site où vous avez trouvé le formulaire.',
    ],
  },
  freshLink: 'M’envoyer un nouveau lien',
};

const de: Messages = {
  notFound: ['Seite nicht gefunden', 'Unter dieser Adresse gibt es nichts.'],
  channel: { email: 'E-Mail', sms: 'SMS', whatsapp: 'WhatsApp', push: 'Push-Mitteilungen' },
  frequency: {
    instant: 'Sobald es Neues gibt',
    daily: 'Höchstens einmal täglich',
    weekly: 'Höchstens einmal pro Woche',
    monthly: 'Höchstens einmal im Monat',
  },
  what: {
    categoryOn: (category, channel) =>
      `${category} ${{ email: 'per E-Mail', sms: 'per SMS', whatsapp: 'über WhatsApp', push: 'als Push-Mitteilung' }[channel]}`,
    category: (category) => category,
    channel: (channel) =>
      ({
        email: 'alle Werbe-E-Mails',
        sms: 'alle Werbe-SMS',
        whatsapp: 'alle Werbenachrichten über WhatsApp',
        push: 'alle Werbe-Push-Mitteilungen',
      })[channel],
    everything: 'alle Werbenachrichten',
  },
  language: 'Sprache',
  questions: (contact) => `Fragen? Schreiben Sie an ${contact}.`,
  sentBy: (brand) => `Nachrichten von ${brand}`,
  landing: {
    title: 'Abmelden',
    heading: 'Diese Nachrichten abbestellen?',
    stops: (what, brand) => `Dieser Link beendet ${what} von ${brand}.`,
    already: (what) => `Sie sind von ${what} bereits abgemeldet.`,
    this: (what) => `Von ${what} abmelden`,
    everything: 'Von allem abmelden',
    everythingHint: (brand) =>
      `Alle Werbung von ${brand}, auf allen Kanälen. Belege und Bestellinfos kommen weiterhin.`,
    less: 'Lieber weniger bekommen',
    lessHint: 'Weniger Nachrichten, weniger Themen oder eine Pause.',
  },
  done: {
    title: 'Abgemeldet',
    heading: 'Sie sind abgemeldet',
    body: (what, brand) => `Sie bekommen ${what} von ${brand} nicht mehr.`,
    transactional: 'Belege und Bestellinfos kommen weiterhin.',
    undo: 'Rückgängig machen',
    undoHint: (minutes) =>
      `Anders überlegt? Sie können das ${minutes} Minuten lang rückgängig machen.`,
    optInAgain: (brand) =>
      `Um sich später wieder anzumelden, nutzen Sie „Einstellungen verwalten“ in einer Nachricht von ${brand}, oder`,
    askLink: 'fordern Sie einen Link per E-Mail an',
    feedbackHeading: 'Verraten Sie uns den Grund?',
    feedbackOptional:
      'Freiwillig. Ihre Antwort hilft dem Absender, bessere Nachrichten zu schicken.',
    reasons: {
      too_frequent: 'Zu viele Nachrichten',
      not_relevant: 'Nicht relevant für mich',
      never_signed_up: 'Ich habe mich nie angemeldet',
      prefer_other_channel: 'Ich bevorzuge einen anderen Kanal',
      privacy: 'Datenschutzbedenken',
      other: 'Etwas anderes',
    },
    comment: 'Noch etwas? (freiwillig, höchstens 1.000 Zeichen)',
    send: 'Senden',
    skip: 'Überspringen',
    thanks: (brand) => `Danke. Ihre Antwort hilft ${brand}, bessere Nachrichten zu schicken.`,
    skipped: 'Kein Problem.',
    undoneHeading: 'Sie sind wieder angemeldet',
    undoneBody: 'Wir haben Ihre Einstellungen genau so wiederhergestellt, wie sie waren.',
    undoUnavailable:
      'Dieser Link wurde schon benutzt oder ist abgelaufen. Sie können Ihre Einstellungen trotzdem ändern.',
    commentTooLong: 'Der Kommentar darf höchstens 1.000 Zeichen lang sein.',
  },
  prefs: {
    title: 'Ihre Einstellungen',
    heading: 'Ihre Nachrichten-Einstellungen',
    intro: (brand) => `Wählen Sie, was ${brand} Ihnen schickt und wie oft.`,
    reduceIntro:
      'Wählen Sie weniger Nachrichten, weniger Themen oder eine Pause. Zum Einschalten nutzen Sie „Einstellungen verwalten“ in einer Nachricht.',
    alwaysOn: 'Immer aktiv',
    alwaysOnHint: 'Belege und Servicenachrichten lassen sich nicht abschalten.',
    off: 'Aus',
    howOften: 'Wie oft',
    breakHeading: 'Eine Pause machen',
    noBreak: 'Keine Pause',
    pauseFor: (days) => `${days} Tage pausieren`,
    pausedUntil: (date) => `Werbenachrichten sind pausiert bis ${date}.`,
    resumeNow: 'Jetzt fortsetzen',
    keepPause: 'Pause beibehalten',
    channelsHeading: 'Einen ganzen Kanal abbestellen',
    stopChannel: (channel) => `Alles abbestellen: ${channel}`,
    stopEverything: 'Alles abbestellen',
    stopEverythingHint: 'Keine Werbung, auf keinem Kanal.',
    privacyHeading: 'Ihre Privatsphäre',
    doNotSell: 'Meine personenbezogenen Daten nicht verkaufen oder weitergeben',
    save: 'Auswahl speichern',
    saved: 'Gespeichert. Ihre Auswahl gilt sofort.',
    nothingChanged: 'Nichts zu speichern: Es wurde nichts geändert.',
    conflict:
      'Ihre Einstellungen wurden anderswo geändert (in einem anderen Tab oder auf einem anderen Gerät), während diese Seite offen war. Wir haben sie nicht überschrieben: So ist es jetzt eingestellt. Ändern Sie es erneut, wenn Sie es weiterhin möchten.',
    refused: 'Einige Änderungen waren nicht möglich:',
    gpc: 'Ihr Browser hat uns gebeten, Ihre Daten nicht zu verkaufen oder weiterzugeben (Global Privacy Control). Das haben wir vermerkt.',
    stale: 'Bitte versuchen Sie es erneut: Die gesendete Seite war veraltet.',
    pending: 'Wartet auf Ihre Bestätigung',
    dataHeading: 'Ihre Daten',
    download: 'Meine Daten herunterladen',
    erase: 'Mich löschen',
    eraseHeading: 'Meine Daten löschen?',
    eraseBody: (brand) =>
      `Damit werden Ihre Adresse und alles, was ${brand} hier über Sie speichert, gelöscht, und alle Werbenachrichten enden. Wir behalten nur einen verschlüsselten Fingerabdruck Ihrer Adresse, damit Sie nie versehentlich wieder hinzugefügt werden.`,
    eraseConfirm: 'Ja, meine Daten löschen',
    eraseButton: 'Meine Daten löschen',
    cancel: 'Abbrechen',
    erasedHeading: 'Ihre Daten sind gelöscht',
    erasedBody:
      'Wir haben Ihre Adresse und alles, was wir über Sie wussten, gelöscht. Nur ein verschlüsselter Fingerabdruck bleibt, damit Sie nicht wieder hinzugefügt werden.',
  },
  link: {
    title: 'Link zu Ihren Einstellungen anfordern',
    heading: 'Link zu Ihren Einstellungen anfordern',
    body: (brand) =>
      `Geben Sie Ihre E-Mail-Adresse ein. Wenn sie auf der Liste von ${brand} steht, schicken wir Ihnen einen Link, mit dem Sie wählen, was Sie bekommen.`,
    label: 'E-Mail-Adresse',
    button: 'Link zuschicken',
    sent: (days) =>
      `Schauen Sie in Ihr Postfach. Wenn die Adresse auf der Liste steht, ist ein Link unterwegs. Er gilt ${days} Tage.`,
    limited: (minutes) => `Zu viele Anfragen. Bitte versuchen Sie es in ${minutes} Minuten erneut.`,
    invalid: 'Geben Sie eine Adresse wie name@beispiel.de ein.',
  },
  problems: {
    expired: [
      'Dieser Link ist abgelaufen',
      'Links zu Ihren Einstellungen gelten aus Sicherheitsgründen nur eine Zeit lang.',
    ],
    revoked_key: [
      'Dieser Link funktioniert nicht mehr',
      'Er wurde aus Sicherheitsgründen abgeschaltet.',
    ],
    malformed: [
      'Dieser Link ist unvollständig',
      'Vielleicht fehlt ein Teil. Kopieren Sie den ganzen Link noch einmal.',
    ],
    bad_signature: [
      'Dieser Link ist ungültig',
      'Er wurde vielleicht unterwegs verändert. Kopieren Sie den ganzen Link noch einmal.',
    ],
    unknown_key: [
      'Dieser Link ist ungültig',
      'Versuchen Sie den Link aus einer neueren Nachricht.',
    ],
    wrong_workspace: [
      'Dieser Link ist ungültig',
      'Versuchen Sie den Link aus einer neueren Nachricht.',
    ],
    wrong_purpose: [
      'Dieser Link ist für etwas anderes',
      'Nutzen Sie den Link „Einstellungen verwalten“ in der Nachricht.',
    ],
    unknown_subscriber: [
      'Wir haben Ihr Abonnement nicht gefunden',
      'Vielleicht wurde es auf Ihren Wunsch gelöscht.',
    ],
    confirm_invalid: [
      'Dieser Bestätigungslink funktioniert nicht',
      'Vielleicht ist er abgelaufen. Melden Sie sich auf der Website, auf der Sie das Formular gefunden haben, erneut an.',
    ],
  },
  freshLink: 'Neuen Link zuschicken',
};

const ALL: Record<Locale, Messages> = { en, es, fr, de };

export function messages(locale: Locale): Messages {
  return ALL[locale];
}

export function formatDate(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(date);
}
