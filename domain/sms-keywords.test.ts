import { describe, expect, it } from 'vitest';
import { classifyMessage, normalizeMessage } from './sms-keywords';

const action = (body: string) => {
  const c = classifyMessage(body);
  return c.action;
};

describe('normalizeMessage', () => {
  it('drops accents, case, apostrophes and punctuation, and collapses spaces', () => {
    expect(normalizeMessage('  SÍ!! ')).toBe('si');
    expect(normalizeMessage("Don't   STOP.")).toBe('dont stop');
    expect(normalizeMessage('Opt-Out')).toBe('opt out');
    expect(normalizeMessage('no MÁS mensajes 🙏')).toBe('no mas mensajes');
  });
});

describe('opt-out keywords (carriers and FCC), in any case, spacing and punctuation', () => {
  const table: [string, string, 'en' | 'es'][] = [
    ['STOP', 'STOP', 'en'],
    ['stop', 'STOP', 'en'],
    ['  stop. ', 'STOP', 'en'],
    ['STOP!', 'STOP', 'en'],
    ['Stop!!!', 'STOP', 'en'],
    ['"stop"', 'STOP', 'en'],
    ['s t o p', 'STOP', 'en'],
    ['stop stop stop', 'STOP', 'en'],
    ['STOPALL', 'STOPALL', 'en'],
    ['Stop All', 'STOPALL', 'en'],
    ['UNSUBSCRIBE', 'UNSUBSCRIBE', 'en'],
    ['Unsubscribe.', 'UNSUBSCRIBE', 'en'],
    ['un-subscribe', 'UNSUBSCRIBE', 'en'],
    ['CANCEL', 'CANCEL', 'en'],
    ['cancel', 'CANCEL', 'en'],
    ['END', 'END', 'en'],
    ['end.', 'END', 'en'],
    ['QUIT', 'QUIT', 'en'],
    ['Quit!', 'QUIT', 'en'],
    ['REVOKE', 'REVOKE', 'en'],
    ['revoke', 'REVOKE', 'en'],
    ['OPTOUT', 'OPT OUT', 'en'],
    ['OPT OUT', 'OPT OUT', 'en'],
    ['Opt   Out', 'OPT OUT', 'en'],
    ['opt-out', 'OPT OUT', 'en'],
    ['Opt out.', 'OPT OUT', 'en'],
    ['please stop', 'STOP', 'en'],
    ['STOP please', 'STOP', 'en'],
    ['Stop, thanks', 'STOP', 'en'],
    ['stop now', 'STOP', 'en'],
    ['ALTO', 'ALTO', 'es'],
    ['¡Alto!', 'ALTO', 'es'],
    ['alto por favor', 'ALTO', 'es'],
    ['PARAR', 'PARAR', 'es'],
    ['parar', 'PARAR', 'es'],
    ['CANCELAR', 'CANCELAR', 'es'],
    ['Cancelar.', 'CANCELAR', 'es'],
    ['BAJA', 'BAJA', 'es'],
  ];
  it.each(table)('%j opts out as %s', (body, keyword, language) => {
    expect(classifyMessage(body)).toEqual({
      action: 'opt_out',
      keyword,
      language,
      match: 'keyword',
    });
  });

  it('opts out when one clause of a longer message is a keyword (opt-out wins)', () => {
    expect(action('STOP. I never signed up for this')).toBe('opt_out');
    expect(action('Who is this? Stop')).toBe('opt_out');
    expect(action('Yes, stop')).toBe('opt_out');
    expect(action('help\nSTOP')).toBe('opt_out');
  });
});

describe('plain-language opt-out requests (FCC 24-24 "reasonable means")', () => {
  const en = [
    'please stop texting me',
    'Please stop texting me.',
    'stop sending me messages',
    'Stop sending me these texts!',
    'stop texting',
    'stop messaging me',
    'Can you please stop texting me?',
    'I want you to stop texting me',
    'stop texting me about sales',
    'stop receiving texts',
    'I want to stop getting these messages',
    'stop all texts',
    'stop the messages',
    'stop it',
    'unsubscribe me',
    'Unsubscribe me from this list',
    'I want to unsubscribe',
    'I would like to opt out',
    'opt me out',
    'remove me',
    'remove me from this list',
    'Please remove me from your list.',
    'remove my number',
    'take me off your list',
    'Take me off the mailing list please',
    'no more texts',
    'No more messages please',
    'do not text me',
    "Don't text me again",
    'never text me again',
    "I don't want these texts",
    "don't want any more messages",
    'cancel my subscription',
    'cancel these texts',
    'leave me alone',
    'Wrong number',
  ];
  it.each(en)('%j opts out, read as English', (body) => {
    const c = classifyMessage(body);
    expect(c).toMatchObject({ action: 'opt_out', language: 'en', match: 'request' });
  });

  const es = [
    'no más mensajes',
    'No quiero más mensajes',
    'no quiero recibir mensajes',
    'dame de baja',
    'Quiero darme de baja',
    'dejen de enviarme mensajes',
    'No me envíen más mensajes, por favor',
  ];
  it.each(es)('%j opts out, read as Spanish', (body) => {
    expect(classifyMessage(body)).toMatchObject({
      action: 'opt_out',
      language: 'es',
      match: 'request',
    });
  });

  it('keeps the request as normalised as the keyword (evidence of what was asked)', () => {
    expect(classifyMessage('Please stop texting me!!')).toMatchObject({
      keyword: 'stop texting me',
    });
  });
});

describe('opt-in keywords: the whole message', () => {
  const table: [string, string, 'en' | 'es'][] = [
    ['START', 'START', 'en'],
    ['start', 'START', 'en'],
    ['Start.', 'START', 'en'],
    ['start again', 'START', 'en'],
    ['UNSTOP', 'UNSTOP', 'en'],
    ['unstop', 'UNSTOP', 'en'],
    ['YES', 'YES', 'en'],
    ['yes', 'YES', 'en'],
    ['Yes!', 'YES', 'en'],
    ['yes please', 'YES', 'en'],
    ['ok yes', 'YES', 'en'],
    ['SI', 'SI', 'es'],
    ['Sí', 'SI', 'es'],
    ['sí, gracias', 'SI', 'es'],
  ];
  it.each(table)('%j opts in as %s', (body, keyword, language) => {
    expect(classifyMessage(body)).toEqual({
      action: 'opt_in',
      keyword,
      language,
      match: 'keyword',
    });
  });
});

describe('help keywords: the whole message', () => {
  const table: [string, string, 'en' | 'es'][] = [
    ['HELP', 'HELP', 'en'],
    ['help', 'HELP', 'en'],
    ['Help?', 'HELP', 'en'],
    ['INFO', 'INFO', 'en'],
    ['info', 'INFO', 'en'],
    ['AYUDA', 'AYUDA', 'es'],
    ['ayuda por favor', 'AYUDA', 'es'],
  ];
  it.each(table)('%j asks for help as %s', (body, keyword, language) => {
    expect(classifyMessage(body)).toEqual({ action: 'help', keyword, language, match: 'keyword' });
  });
});

describe('everything else is no keyword: no change, no reply', () => {
  const none = [
    '',
    '   ',
    '🙂',
    "don't stop",
    'Dont stop!',
    'please',
    'thanks',
    'when does the store close',
    'When does the store close?',
    "I'll stop by tomorrow",
    'stop by our store',
    "I can't stop buying your stuff",
    'stopped by the shop today',
    'unstoppable',
    'is this the end of the sale',
    'the end',
    'will the sale end soon',
    'cancel my order',
    'I want to cancel my order 1234',
    'stop sending me the wrong size',
    'quit smoking',
    'yes I want the blue one',
    'Yes but only on weekends',
    'start my order',
    'help me find my order',
    'info about the sale',
    'more info please on the jacket',
    'no more',
    'I love these texts',
    'si señor, where is my package',
    'stop start',
    'remove the item from my cart',
    'take me to the store',
  ];
  it.each(none)('%j is no keyword', (body) => {
    expect(classifyMessage(body)).toEqual({ action: 'none' });
  });
});
