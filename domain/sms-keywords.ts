/**
 * What an inbound SMS or WhatsApp message asks for: opt out, opt back in, help, or nothing.
 * Pure; `sms-inbound.ts` acts on the answer.
 *
 * The rule, kept conservative so that chatter never changes consent (README, "SMS and WhatsApp
 * keywords"):
 *
 * 1. The text is normalised: accents dropped ("SÍ" is "si"), lower-cased, apostrophes removed
 *    ("don't" is "dont"), every other character that is not a letter or digit made a space,
 *    spaces collapsed. Words of politeness at either end ("please", "thanks", "por favor"...)
 *    and a keyword repeated ("stop stop") do not count.
 * 2. Opt-out wins (DESIGN.md rule 3): the message is split into clauses at `. ! ? ; ,` and line
 *    breaks; if any clause is, on its own, an opt-out keyword (spacing ignored, so "Opt   Out"
 *    and "OPT-OUT" are OPTOUT) or one of the plain-language requests below, the message opts
 *    out. A keyword inside a longer clause ("don't stop", "I'll stop by") is not one.
 * 3. Otherwise the whole message must be an opt-in keyword (START, UNSTOP, YES, SI) or a help
 *    keyword (HELP, INFO, AYUDA), nothing else besides politeness.
 * 4. Anything else is no keyword: no change and no reply.
 *
 * Plain-language requests (FCC 24-24 asks senders to honour revocation by "any reasonable
 * means") are whole clauses of a fixed shape: "[can you] [please] stop texting|messaging|
 * sending|contacting [me] [these texts] [about ...]", "stop receiving|getting texts", "stop all texts",
 * "stop it", "unsubscribe me [from this list]", "remove me [from your list]", "take me off
 * your list", "opt me out", "no more texts", "do not|don't text me [again]", "I don't want
 * these texts", "cancel my subscription", "leave me alone", "wrong number"; in Spanish "no más
 * mensajes", "no quiero más mensajes", "dame de baja", "quiero darme de baja", "dejen de
 * enviarme mensajes", "no me envíen más mensajes". "Stop sending me the wrong size" or
 * "cancel my order" are not: the object of the verb must be the messages or the person.
 */

export type KeywordAction = 'opt_out' | 'opt_in' | 'help';
export type KeywordLanguage = 'en' | 'es';

export type Classification =
  | {
      action: KeywordAction;
      /** The canonical keyword ("STOP", "OPT OUT", "ALTO"), or the request as normalised. */
      keyword: string;
      language: KeywordLanguage;
      match: 'keyword' | 'request';
    }
  | { action: 'none' };

type Keyword = { action: KeywordAction; keyword: string; language: KeywordLanguage };

const KEYWORDS = new Map<string, Keyword>(
  (
    [
      // The opt-out words carriers (CTIA) and the FCC name.
      ['stop', 'opt_out', 'STOP', 'en'],
      ['stopall', 'opt_out', 'STOPALL', 'en'],
      ['unsubscribe', 'opt_out', 'UNSUBSCRIBE', 'en'],
      ['cancel', 'opt_out', 'CANCEL', 'en'],
      ['end', 'opt_out', 'END', 'en'],
      ['quit', 'opt_out', 'QUIT', 'en'],
      ['revoke', 'opt_out', 'REVOKE', 'en'],
      ['optout', 'opt_out', 'OPT OUT', 'en'],
      ['alto', 'opt_out', 'ALTO', 'es'],
      ['parar', 'opt_out', 'PARAR', 'es'],
      ['cancelar', 'opt_out', 'CANCELAR', 'es'],
      ['baja', 'opt_out', 'BAJA', 'es'],
      ['start', 'opt_in', 'START', 'en'],
      ['unstop', 'opt_in', 'UNSTOP', 'en'],
      ['yes', 'opt_in', 'YES', 'en'],
      ['si', 'opt_in', 'SI', 'es'],
      ['help', 'help', 'HELP', 'en'],
      ['info', 'help', 'INFO', 'en'],
      ['ayuda', 'help', 'AYUDA', 'es'],
    ] as const
  ).map(([word, action, keyword, language]) => [word, { action, keyword, language }]),
);

/** Politeness around a keyword or request, which changes nothing about what it asks. */
const LEADING = ['please', 'pls', 'plz', 'por favor', 'ok', 'okay'];
const TRAILING = [
  'please',
  'pls',
  'plz',
  'thanks',
  'thank you',
  'thx',
  'ty',
  'now',
  'asap',
  'immediately',
  'anymore',
  'any more',
  'again',
  'ever again',
  'gracias',
  'por favor',
  'ya',
];

/** Lower-case, no accents, no apostrophes, only letters and digits separated by single spaces. */
export function normalizeMessage(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function stripPoliteness(clause: string): string {
  let text = ` ${clause} `;
  let changed = true;
  while (changed) {
    changed = false;
    for (const word of LEADING) {
      if (text.startsWith(` ${word} `) && text.length > word.length + 2) {
        text = text.slice(word.length + 1);
        changed = true;
      }
    }
    for (const word of TRAILING) {
      if (text.endsWith(` ${word} `) && text.length > word.length + 2) {
        text = text.slice(0, -(word.length + 1));
        changed = true;
      }
    }
  }
  return text.trim();
}

/** A single keyword, spacing ignored ("opt out", "s t o p"), repeats collapsed ("stop stop"). */
function keywordOf(clause: string): Keyword | undefined {
  const words = clause.split(' ').filter((w, i, all) => w !== '' && w !== all[i - 1]);
  return KEYWORDS.get(words.join(''));
}

// Plain-language opt-out requests, matched against a whole normalised clause.
const MESSAGES =
  '(?:texts?|txts?|text messages?|messages?|msgs?|sms|sms messages?|promos?|promotions?|ads?|advertisements?|marketing|spam|offers?|deals?|alerts?|notifications?|stuff)';
const DETERMINER = '(?:(?:all|any) )?(?:(?:of )?(?:these|those|the|your|this|them|my) )?';
const THEM = `(?:${DETERMINER}${MESSAGES})`;
const PERSON = '(?:me|us|this number|my number|this phone|my phone)';
const SEND_VERBS =
  '(?:texting|txting|text|txt|messaging|message|msging|sending|send|contacting|contact|spamming|spam|calling|call|emailing)';
const ASK =
  '(?:(?:can|could|would|will) you )?(?:(?:i|we) (?:want|need|would like|d like|wish) (?:you )?to )?(?:please )?';

const EN_REQUESTS: RegExp[] = [
  // "please stop texting me", "stop sending me messages", "stop messaging this number",
  // "can you stop sending these texts", "stop texting me about sales"
  new RegExp(`^${ASK}stop ${SEND_VERBS}(?: ${PERSON})?(?: ${THEM})?(?: about .+)?$`),
  // "stop receiving texts", "I want to stop getting these messages"
  new RegExp(`^${ASK}stop (?:receiving|getting) ${THEM}$`),
  // "stop all texts", "stop the messages", "stop it"
  new RegExp(`^${ASK}stop ${THEM}$`),
  new RegExp(`^${ASK}stop (?:it|this|that|them|everything|all of it|all of this)$`),
  // "unsubscribe me", "unsubscribe me from this list", "I want to unsubscribe"
  new RegExp(
    `^${ASK}(?:unsubscribe|opt out)(?: ${PERSON})?(?: (?:from|of) (?:${THEM}|(?:this|your|the) list))?$`,
  ),
  new RegExp(`^${ASK}opt ${PERSON} out(?: (?:from|of) (?:${THEM}|(?:this|your|the) list))?$`),
  // "remove me", "remove me from this list", "take me off your list", "delete my number"
  new RegExp(
    `^${ASK}(?:remove|delete) ${PERSON}(?: (?:from|off)(?: of)? (?:(?:this|your|the|that|my|all) )?(?:(?:mailing|texting|text|sms|contact|marketing) )?(?:list|lists|database|${MESSAGES}))?$`,
  ),
  new RegExp(
    `^${ASK}take ${PERSON} (?:off|out of|from)(?: of)? (?:(?:this|your|the|that|all) )?(?:(?:mailing|texting|text|sms|contact|marketing) )?(?:list|lists|database|${MESSAGES})$`,
  ),
  // "no more texts", "no more messages please"
  new RegExp(`^no more (?:${MESSAGES}|texting|messaging)$`),
  // "do not text me", "don't message me again", "never text me"
  new RegExp(`^(?:do not|dont|never) ${SEND_VERBS} ${PERSON}$`),
  // "I don't want these texts", "don't want any more messages"
  new RegExp(
    `^(?:i |we )?(?:do not|dont|no longer) (?:want|wish to receive|want to receive|want to get) (?:(?:any )?more |any )?${THEM}$`,
  ),
  // "cancel my subscription", "cancel these texts"
  new RegExp(`^${ASK}cancel (?:(?:my|the|this) )?(?:subscription|${THEM})$`),
  /^leave me alone$/,
  /^wrong (?:number|person|phone)$/,
];

const ES_MESSAGES = '(?:mensajes|mensaje|textos|texto|sms|promociones|publicidad)';
const ES_REQUESTS: RegExp[] = [
  // "no más mensajes", "no quiero más mensajes", "no quiero recibir mensajes"
  new RegExp(`^no (?:quiero )?(?:recibir )?mas ${ES_MESSAGES}$`),
  new RegExp(`^no quiero (?:recibir )?(?:(?:mas|sus|estos|tus) )?${ES_MESSAGES}$`),
  // "dame de baja", "quiero darme de baja", "denme de baja"
  /^(?:quiero |favor de )?(?:dame|darme|denme|deme) de baja$/,
  // "dejen de enviarme mensajes", "deja de escribirme"
  new RegExp(
    `^(?:dejen|deja|dejar) de (?:enviarme|mandarme|escribirme|enviar|mandar)(?: ${ES_MESSAGES})?$`,
  ),
  // "no me envíen más mensajes"
  new RegExp(`^no me (?:envien|manden|escriban|envies|mandes)(?: mas)?(?: ${ES_MESSAGES})?$`),
];

function optOutRequest(clause: string): Keyword | undefined {
  if (EN_REQUESTS.some((r) => r.test(clause)))
    return { action: 'opt_out', keyword: clause, language: 'en' };
  if (ES_REQUESTS.some((r) => r.test(clause)))
    return { action: 'opt_out', keyword: clause, language: 'es' };
  return undefined;
}

export function classifyMessage(body: string): Classification {
  const clauses = body
    .split(/[.!?;,\n\r¡¿]+/)
    .map((c) => stripPoliteness(normalizeMessage(c)))
    .filter((c) => c !== '');
  for (const clause of clauses) {
    const keyword = keywordOf(clause);
    if (keyword?.action === 'opt_out') return { ...keyword, match: 'keyword' };
    const request = optOutRequest(clause);
    if (request) return { ...request, match: 'request' };
  }
  const whole = stripPoliteness(normalizeMessage(body));
  const keyword = whole === '' ? undefined : keywordOf(whole);
  if (keyword) return { ...keyword, match: 'keyword' };
  return { action: 'none' };
}
