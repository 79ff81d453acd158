import { describe, expect, it } from 'vitest';
import {
  CsvReader,
  consentValue,
  csvField,
  csvLine,
  csvRecords,
  decodeUtf8,
  parseCsv,
  suggestMapping,
} from './import-csv';

describe('reading CSV', () => {
  it('reads quoted fields with commas, doubled quotes and line ends inside', () => {
    const records = parseCsv(
      'email,note\r\n"a@example.com","Hello, ""friend""\r\nsecond line"\r\n',
    );
    expect(records).toEqual([
      { row: 1, cells: ['email', 'note'] },
      { row: 2, cells: ['a@example.com', 'Hello, "friend"\r\nsecond line'] },
    ]);
  });

  it('drops a byte order mark, and takes CRLF, LF and lone CR line ends; blank lines skipped', () => {
    const records = parseCsv('\uFEFFemail\r\na@example.com\n\nb@example.com\rc@example.com');
    expect(records.map((r) => r.cells)).toEqual([
      ['email'],
      ['a@example.com'],
      ['b@example.com'],
      ['c@example.com'],
    ]);
    expect(records.map((r) => r.row)).toEqual([1, 2, 3, 4]);
    expect(records[0]?.cells[0]).toBe('email');
  });

  it('keeps empty fields and a trailing empty field', () => {
    expect(parseCsv('a,,c,\n').map((r) => r.cells)).toEqual([['a', '', 'c', '']]);
    expect(parseCsv('"",x\n').map((r) => r.cells)).toEqual([['', 'x']]);
  });

  it('marks rows that break the quoting rules instead of stopping: a stray quote, a quote never closed', () => {
    const records = parseCsv('a,b\n"x"y,z\nok,fine\nbad "quote,1\n"never closed,2\n');
    expect(records[1]?.malformed).toMatch(/stray double quote/);
    expect(records[2]?.malformed).toBeUndefined();
    expect(records[3]?.malformed).toMatch(/stray double quote/);
    expect(records[4]?.malformed).toMatch(/never closed/);
  });

  it('gives the same records whatever the chunks: a quote, a CRLF or a UTF-8 character split', async () => {
    const text = 'email,name\r\n"x@example.com","Zoë, ""Z"""\r\ny@example.com,Ånne\r\n';
    const bytes = new TextEncoder().encode(text);
    async function* oneByteAtATime() {
      for (const b of bytes) yield new Uint8Array([b]);
    }
    const streamed = [];
    for await (const r of csvRecords(decodeUtf8(oneByteAtATime()))) streamed.push(r);
    expect(streamed).toEqual(parseCsv(text));
    expect(streamed[1]?.cells).toEqual(['x@example.com', 'Zoë, "Z"']);
    expect(streamed[2]?.cells).toEqual(['y@example.com', 'Ånne']);
  });

  it('a CR at the end of one chunk and LF at the start of the next is one line end', () => {
    const reader = new CsvReader();
    const out = [...reader.push('a\r'), ...reader.push('\nb'), ...reader.end()];
    expect(out.map((r) => r.cells)).toEqual([['a'], ['b']]);
  });
});

describe('writing CSV', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas, not phone numbers', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+14155550100')).toBe('+14155550100');
    expect(csvField(null)).toBe('');
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n');
  });

  it('what it writes reads back the same', () => {
    const values = ['x,y', 'line\nbreak', '"quoted"', '', 'plain'];
    expect(parseCsv(csvLine(values))[0]?.cells).toEqual(values);
  });
});

describe('mapping columns', () => {
  const categories = [
    { slug: 'promotions', channels: ['email', 'sms'] as ('email' | 'sms')[] },
    { slug: 'product-news', channels: ['email'] as 'email'[] },
  ];

  it('suggests identifiers by their usual names and consent columns by category:channel', () => {
    const mapping = suggestMapping(
      [
        'Email Address',
        'Mobile',
        'customer_id',
        'Language',
        'promotions:sms',
        'product-news email',
        'other',
      ],
      categories,
    );
    expect(mapping).toEqual({
      email: 0,
      phone: 1,
      externalId: 2,
      locale: 3,
      consents: [
        { column: 4, category: 'promotions', channel: 'sms' },
        { column: 5, category: 'product-news', channel: 'email' },
      ],
    });
  });

  it('does not map a channel the category does not offer', () => {
    expect(suggestMapping(['email', 'product-news:sms'], categories).consents).toEqual([]);
  });

  it('reads consent values in plain words', () => {
    expect(consentValue('Subscribed')).toBe('subscribed');
    expect(consentValue('yes')).toBe('subscribed');
    expect(consentValue(' no ')).toBe('unsubscribed');
    expect(consentValue('')).toBeNull();
    expect(consentValue('maybe')).toBe('invalid');
  });
});
