import { z } from 'zod';
import type { Channel, ImportColumnMapping } from '@/db/schema';

/**
 * CSV for imports and exports (RFC 4180, as spreadsheets write it): a streaming reader that
 * holds one record at a time, whatever the file's size, and the writer the exports share.
 *
 * Reading: a UTF-8 byte-order mark is dropped; records end with CRLF, LF or a lone CR; a field in
 * double quotes may hold commas, quotes (doubled) and line ends; blank lines are skipped. A record
 * that breaks the quoting rules (text after a closing quote, a quote never closed) is still
 * returned, marked `malformed`, so the import can report it by its row number instead of
 * stopping.
 */

export type CsvRecord = {
  /** The record's row as a spreadsheet numbers it: the header is row 1. */
  row: number;
  cells: string[];
  malformed?: string;
};

/** Bounds that keep one record from using unbounded memory (a quote never closed, say). */
export const MAX_FIELD_CHARS = 10_000;
export const MAX_COLUMNS = 200;

export class CsvReader {
  private field = '';
  private cells: string[] = [];
  private quoted = false;
  /** Inside a quoted field, a quote was just read: a second one is a literal quote. */
  private quoteSeen = false;
  /** The field began with a quote (so a quote after its closing one is malformed). */
  private fieldWasQuoted = false;
  private malformed: string | undefined;
  private lastWasCr = false;
  private started = false;
  private row = 0;

  /** The records completed by this chunk of text. */
  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let start = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    for (let i = start; i < text.length; i++) {
      const ch = text[i] as string;
      if (this.lastWasCr) {
        this.lastWasCr = false;
        if (ch === '\n') continue;
      }
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (ch === '"') {
            this.append('"');
            continue;
          }
          this.quoted = false; // the closing quote: fall through to the unquoted handling
        } else if (ch === '"') {
          this.quoteSeen = true;
          continue;
        } else {
          this.append(ch);
          continue;
        }
      }
      if (ch === ',') {
        this.endField();
      } else if (ch === '\n' || ch === '\r') {
        this.lastWasCr = ch === '\r';
        const record = this.endRecord();
        if (record) out.push(record);
      } else if (ch === '"' && this.field === '' && !this.fieldWasQuoted) {
        this.quoted = true;
        this.fieldWasQuoted = true;
      } else {
        if (this.fieldWasQuoted || ch === '"') {
          this.malformed ??=
            'A value has a stray double quote; put quoted values wholly in quotes.';
        }
        this.append(ch);
      }
    }
    return out;
  }

  /** The last record, if the text did not end with a line end. */
  end(): CsvRecord[] {
    if (this.quoted && !this.quoteSeen) {
      this.malformed ??= 'A quoted value is never closed: a double quote is missing.';
    }
    this.quoted = false;
    this.quoteSeen = false;
    const record = this.endRecord();
    return record ? [record] : [];
  }

  private append(ch: string) {
    if (this.field.length < MAX_FIELD_CHARS) this.field += ch;
    else this.malformed ??= `A value is longer than ${MAX_FIELD_CHARS} characters.`;
  }

  private endField() {
    if (this.cells.length < MAX_COLUMNS) this.cells.push(this.field);
    else this.malformed ??= `The row has more than ${MAX_COLUMNS} values.`;
    this.field = '';
    this.fieldWasQuoted = false;
  }

  private endRecord(): CsvRecord | undefined {
    const blank = this.cells.length === 0 && this.field === '' && !this.fieldWasQuoted;
    if (blank) {
      this.malformed = undefined;
      return undefined;
    }
    this.endField();
    this.row += 1;
    const record: CsvRecord = { row: this.row, cells: this.cells };
    if (this.malformed) record.malformed = this.malformed;
    this.cells = [];
    this.malformed = undefined;
    return record;
  }
}

/** Every record of a text stream, read as it arrives. */
export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  const reader = new CsvReader();
  for await (const chunk of chunks) yield* reader.push(chunk);
  yield* reader.end();
}

/** A whole text at once (tests, small files). */
export function parseCsv(text: string): CsvRecord[] {
  const reader = new CsvReader();
  return [...reader.push(text), ...reader.end()];
}

/** UTF-8 bytes to text, a chunk at a time (a character split across chunks is kept whole). */
export async function* decodeUtf8(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of bytes) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

// --- writing ---------------------------------------------------------------------------------

/**
 * One field: quoted when it holds a quote, comma or line end. A value a spreadsheet would run as
 * a formula (=, +, -, @ first) gets a leading apostrophe, so an exported subscriber-typed value
 * cannot become a formula in the reader's spreadsheet (CSV injection).
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^[+-]?\d/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

// --- the import's columns --------------------------------------------------------------------

export type ImportMapping = ImportColumnMapping;

export type MappableCategory = { slug: string; channels: Channel[] };

function squash(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s_.-]+/g, '');
}

const IDENTITY_NAMES: Record<'email' | 'phone' | 'externalId' | 'locale', string[]> = {
  email: ['email', 'emailaddress', 'mail'],
  phone: ['phone', 'phonenumber', 'mobile', 'mobilephone', 'msisdn', 'sms'],
  externalId: ['externalid', 'customerid', 'userid', 'id'],
  locale: ['locale', 'language', 'lang'],
};

/**
 * The mapping a header suggests: `email`, `phone`, `external_id` and `locale` by their usual
 * names, and a consent column per `<category>:<channel>` (also with a space, dot or underscore
 * between them), e.g. `promotions:email`.
 */
export function suggestMapping(header: string[], categories: MappableCategory[]): ImportMapping {
  const mapping: ImportMapping = {
    email: null,
    phone: null,
    externalId: null,
    locale: null,
    consents: [],
  };
  const taken = new Set<number>();
  header.forEach((name, column) => {
    const plain = name.trim().toLowerCase();
    const consent = /^(.+?)\s*[:._ ]\s*(email|sms|whatsapp|push)$/.exec(plain);
    if (consent) {
      const category = categories.find((c) => c.slug === consent[1]);
      const channel = consent[2] as Channel;
      if (category?.channels.includes(channel)) {
        mapping.consents.push({ column, category: category.slug, channel });
        taken.add(column);
        return;
      }
    }
    for (const field of ['email', 'phone', 'externalId', 'locale'] as const) {
      if (mapping[field] === null && IDENTITY_NAMES[field].includes(squash(name))) {
        mapping[field] = column;
        taken.add(column);
        return;
      }
    }
  });
  return mapping;
}

/** What a consent cell asks for; blank: nothing. */
export function consentValue(cell: string): 'subscribed' | 'unsubscribed' | null | 'invalid' {
  const v = cell.trim().toLowerCase();
  if (v === '') return null;
  if (['subscribed', 'yes', 'y', 'true', '1', 'opted in', 'opt-in', 'in'].includes(v))
    return 'subscribed';
  if (['unsubscribed', 'no', 'n', 'false', '0', 'opted out', 'opt-out', 'out'].includes(v))
    return 'unsubscribed';
  return 'invalid';
}

// --- the mapping form --------------------------------------------------------------------------

const columnRef = z.string().regex(/^(\d{1,3})?$/, 'Choose a column');

/**
 * The mapping form (react-hook-form) and its action share this schema: a column is its index as
 * text, '' for "not in this file". Kept here, with no database import, so the form can load it.
 */
export const importMappingSchema = z
  .object({
    importId: z.uuid(),
    email: columnRef,
    phone: columnRef,
    externalId: columnRef,
    locale: columnRef,
    consents: z
      .array(
        z.object({
          key: z.string().regex(/^[a-z0-9-]+:(email|sms|whatsapp|push)$/),
          column: columnRef,
        }),
      )
      .max(200),
  })
  .superRefine((value, ctx) => {
    if (!value.email && !value.phone && !value.externalId) {
      ctx.addIssue({
        code: 'custom',
        path: ['email'],
        message: 'Choose the column with the email, the phone or the external id: at least one.',
      });
    }
    const seen = new Map<string, string>();
    const fields: [string, string][] = [
      ['email', value.email],
      ['phone', value.phone],
      ['externalId', value.externalId],
      ['locale', value.locale],
      ...value.consents.map((c, i): [string, string] => [`consents.${i}.column`, c.column]),
    ];
    for (const [path, column] of fields) {
      if (!column) continue;
      if (seen.has(column)) {
        ctx.addIssue({
          code: 'custom',
          path: path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
          message: 'This column is already used above; each column can hold one thing.',
        });
      } else seen.set(column, path);
    }
  });
export type ImportMappingInput = z.input<typeof importMappingSchema>;
