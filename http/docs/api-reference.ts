/**
 * The API reference page as data: everything `/docs/api` shows is derived here from the OpenAPI
 * document (`openApiDocument()`), so the page cannot drift from it. Plain TypeScript, no React:
 * the page only lays out what these functions return.
 *
 * The document is JSON Schema 2020-12 inside OpenAPI 3.1, as zod writes it. Only local `$ref`s
 * (`#/components/schemas/...`) are followed; a schema that refers to itself, directly or
 * through others, is cut where it repeats and marked `circular`.
 */

export type Schema = { [key: string]: unknown };

export interface OpenApiDocument {
  openapi?: string;
  info?: { title?: string; version?: string; description?: string };
  servers?: { url: string }[];
  security?: Record<string, string[]>[];
  components?: {
    schemas?: Record<string, Schema>;
    securitySchemes?: Record<string, Schema>;
  };
  paths?: Record<string, Record<string, unknown>>;
  webhooks?: Record<string, Record<string, unknown>>;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const isObject = (v: unknown): v is Schema =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// --- $ref ------------------------------------------------------------------------------------

/** The component a local `$ref` points at (`#/components/schemas/Links`), or undefined. */
export function resolveRef(doc: OpenApiDocument, ref: string): Schema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return isObject(node) ? node : undefined;
}

/** The last segment of a `$ref`: `#/components/schemas/Links` is `Links`. */
export function refName(ref: string): string {
  return ref.split('/').pop() ?? ref;
}

/**
 * A schema with its `$ref` followed (siblings of the `$ref`, such as a description, win).
 * `seen` holds the refs already being expanded on this branch: meeting one again is a cycle.
 */
function follow(
  doc: OpenApiDocument,
  schema: Schema,
  seen: ReadonlySet<string>,
): { schema: Schema; seen: ReadonlySet<string>; ref?: string; circular?: string } {
  const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined;
  if (!ref) return { schema, seen };
  if (seen.has(ref)) return { schema, seen, ref, circular: refName(ref) };
  const target = resolveRef(doc, ref);
  if (!target) return { schema: {}, seen, ref };
  const { $ref: _ref, ...siblings } = schema;
  const next = new Set(seen).add(ref);
  const inner = follow(doc, { ...target, ...siblings }, next);
  return { ...inner, ref };
}

// --- Field rows --------------------------------------------------------------------------------

export interface Field {
  /** The property name; empty for the items of an array or a variant's own value. */
  name: string;
  /** What kind of value, in words: `string`, `integer | null`, `array of object`, `one of`. */
  type: string;
  required: boolean;
  description?: string;
  /** The allowed values, as JSON text (`"email"`, `true`). */
  enumValues?: string[];
  /** Limits and formats in words: `format uuid`, `at most 320 characters`, `default 100`. */
  constraints: string[];
  /** The component this value comes from, when it is a `$ref`. */
  refName?: string;
  /** Set when this value refers back to a schema it is inside of: not expanded again. */
  circular?: string;
  /** Properties of an object (or of an array's object items). */
  children: Field[];
  /** The alternatives of `oneOf`/`anyOf` (of the value, or of an array's items). */
  variants: Variant[];
}

export interface Variant {
  /** `{id}` for an object that requires `id`; else its title or type. */
  label: string;
  description?: string;
  /** The variant's own value, when it is not an object (children hold an object's properties). */
  field: Field;
}

/** The fields of a schema: one `Field` for the value itself, its properties as children. */
export function describeSchema(doc: OpenApiDocument, schema: unknown): Field {
  return fieldOf(doc, isObject(schema) ? schema : {}, '', false, new Set());
}

/** Property rows of an object schema (the usual request body): the root's children. */
export function fieldRows(doc: OpenApiDocument, schema: unknown): Field[] {
  return describeSchema(doc, schema).children;
}

function fieldOf(
  doc: OpenApiDocument,
  input: Schema,
  name: string,
  required: boolean,
  seen: ReadonlySet<string>,
): Field {
  const followed = follow(doc, input, seen);
  const field: Field = {
    name,
    type: 'any',
    required,
    constraints: [],
    children: [],
    variants: [],
    ...(followed.ref ? { refName: refName(followed.ref) } : {}),
  };
  if (followed.circular) {
    return { ...field, type: 'object', circular: followed.circular };
  }
  const schema = unwrapNullable(doc, followed.schema, followed.seen);
  const nullable = schema !== followed.schema || typesOf(schema).includes('null');
  const s = schema;
  const at = followed.seen;
  if (typeof s.description === 'string') field.description = s.description;
  field.constraints = constraintsOf(s);

  if ('const' in s) {
    field.type = jsonType(s.const);
    field.enumValues = [JSON.stringify(s.const)];
  } else if (Array.isArray(s.enum)) {
    field.type = enumType(s.enum);
    field.enumValues = s.enum.map((v) => JSON.stringify(v));
  }

  const alternatives = variantsOf(s);
  if (alternatives) {
    // zod writes unions as anyOf; Dial's alternatives exclude each other (strict objects), and
    // "one of" is how a reader says it.
    field.type = 'one of';
    field.variants = alternatives.list.map((v) => variant(doc, v, at));
  } else if (Array.isArray(s.allOf)) {
    const merged = mergeAllOf(doc, s.allOf, at);
    const inner = fieldOf(doc, merged, name, required, at);
    return { ...inner, type: nullable ? `${inner.type} | null` : inner.type };
  }

  const types = typesOf(s).filter((t) => t !== 'null');
  if (!alternatives && !field.enumValues) {
    if (types.includes('array') || isObject(s.items)) {
      const items = fieldOf(doc, isObject(s.items) ? s.items : {}, '', false, at);
      field.type = `array of ${items.variants.length ? items.variants.map((v) => v.label).join(' | ') : items.type}`;
      field.children = items.children;
      field.variants = items.variants;
      if (items.enumValues) field.enumValues = items.enumValues;
      if (items.circular) field.circular = items.circular;
      if (items.refName && !field.refName) field.refName = items.refName;
      field.constraints.push(...items.constraints.map((c) => `each: ${c}`));
    } else if (types.includes('object') || isObject(s.properties)) {
      field.type = 'object';
      field.children = propertiesOf(doc, s, at);
      if (isObject(s.additionalProperties) || s.additionalProperties === true) {
        field.constraints.push('any other keys allowed');
      }
    } else if (types.length > 0) {
      field.type = types.join(' | ');
    }
  }
  if (nullable && !field.type.endsWith('| null')) field.type = `${field.type} | null`;
  if (alternatives && field.variants.length > 0) {
    field.type = `${field.type} ${field.variants.map((v) => v.label).join(' | ')}`;
  }
  return field;
}

function propertiesOf(doc: OpenApiDocument, s: Schema, seen: ReadonlySet<string>): Field[] {
  const props = isObject(s.properties) ? s.properties : {};
  const required = new Set(Array.isArray(s.required) ? s.required : []);
  return Object.entries(props).map(([key, value]) =>
    fieldOf(doc, isObject(value) ? value : {}, key, required.has(key), seen),
  );
}

function variant(doc: OpenApiDocument, schema: unknown, seen: ReadonlySet<string>): Variant {
  const field = fieldOf(doc, isObject(schema) ? schema : {}, '', true, seen);
  const resolved = follow(doc, isObject(schema) ? schema : {}, seen).schema;
  return {
    label: variantLabel(resolved, field),
    ...(field.description ? { description: field.description } : {}),
    field,
  };
}

/** `{id}` for an object requiring `id`, `{sends}` for one requiring `sends`; else a type name. */
function variantLabel(schema: Schema, field: Field): string {
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  if (field.type === 'object' && required.length > 0) return `{${required.join(', ')}}`;
  if (typeof schema.title === 'string') return schema.title;
  if (field.refName) return field.refName;
  return field.type;
}

function variantsOf(s: Schema): { list: unknown[] } | undefined {
  if (Array.isArray(s.oneOf) && s.oneOf.length > 0) return { list: s.oneOf };
  if (Array.isArray(s.anyOf) && s.anyOf.length > 0) return { list: s.anyOf };
  return undefined;
}

const isNullSchema = (v: unknown) => isObject(v) && v.type === 'null';

/** `anyOf: [X, {type: null}]` (zod's `.nullable()`) reads as X, nullable. */
function unwrapNullable(doc: OpenApiDocument, s: Schema, seen: ReadonlySet<string>): Schema {
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = s[key];
    if (Array.isArray(list) && list.length === 2 && list.some(isNullSchema)) {
      const other = list.find((v) => !isNullSchema(v));
      if (isObject(other)) {
        const { [key]: _dropped, ...rest } = s;
        return { ...follow(doc, other, seen).schema, ...rest };
      }
    }
  }
  return s;
}

function mergeAllOf(doc: OpenApiDocument, list: unknown[], seen: ReadonlySet<string>): Schema {
  const merged: Schema = { type: 'object', properties: {}, required: [] };
  for (const part of list) {
    const s = follow(doc, isObject(part) ? part : {}, seen).schema;
    Object.assign(merged.properties as Schema, isObject(s.properties) ? s.properties : {});
    if (Array.isArray(s.required)) (merged.required as unknown[]).push(...s.required);
    if (typeof s.description === 'string') merged.description ??= s.description;
  }
  return merged;
}

function typesOf(s: Schema): string[] {
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type.map(String);
  return [];
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (Number.isInteger(v)) return 'integer';
  return typeof v;
}

function enumType(values: unknown[]): string {
  return [...new Set(values.map(jsonType))].join(' | ') || 'any';
}

function constraintsOf(s: Schema): string[] {
  const out: string[] = [];
  const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  if (typeof s.format === 'string') out.push(`format ${s.format}`);
  const range = (min?: number, max?: number, unit = '') => {
    const u = unit ? ` ${unit}` : '';
    if (min !== undefined && max !== undefined) return `${fmt(min)} to ${fmt(max)}${u}`;
    if (min !== undefined) return `at least ${fmt(min)}${u}`;
    if (max !== undefined) return `at most ${fmt(max)}${u}`;
    return undefined;
  };
  const length = range(num('minLength'), num('maxLength'), 'characters');
  if (length) out.push(length);
  const value = range(num('minimum'), num('maximum'));
  if (value) out.push(value);
  const items = range(num('minItems'), num('maxItems'), 'items');
  if (items) out.push(items);
  // A pattern that only restates the format (zod's uuid, date-time) says nothing more.
  if (typeof s.pattern === 'string' && typeof s.format !== 'string')
    out.push(`pattern ${s.pattern}`);
  if ('default' in s) out.push(`default ${JSON.stringify(s.default)}`);
  return out;
}

const fmt = (n: number) => n.toLocaleString('en-US');

// --- Examples --------------------------------------------------------------------------------

/**
 * Values for string fields that the document gives no example for. The first ones are the seeded
 * demo workspace's, so a copied curl finds the demo subscriber and category of `npm run demo`.
 */
const DEMO_VALUES: Record<string, string> = {
  email: 'demo@example.com',
  category: 'promotions',
  channel: 'email',
  locale: 'en',
};
const EXAMPLES_BY_NAME: Record<string, string> = {
  ...DEMO_VALUES,
  phone: '+15005550006',
  externalId: 'crm-1042',
  url: 'https://example.com/hooks/dial',
  messageId: 'newsletter-2025-06-1042',
  'Idempotency-Key': '7d0c6f0e-1d1b-4c55-9d6f-3a2b1c0d9e8f',
};

const EXAMPLES_BY_FORMAT: Record<string, string> = {
  uuid: '0b6c3f1e-8a4d-4e2f-9c1b-5d7a2e3f4a6b',
  email: 'demo@example.com',
  'date-time': '2025-06-01T09:30:00Z',
  date: '2025-06-01',
  time: '09:30:00Z',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
};

export interface ExampleOptions {
  /**
   * `required`: only required properties (what a request needs, so a copied call is valid),
   * unless an object requires none, then all of them. `all`: every property (responses).
   */
  properties?: 'required' | 'all';
}

/**
 * An example value built from a schema: its `example`/`examples`, else `const`, `default`, the
 * first enum value, a value by format or field name, and so on down objects and arrays. A cycle
 * ends in `{}` (or `[]`) where the schema repeats.
 */
export function exampleOf(
  doc: OpenApiDocument,
  schema: unknown,
  options: ExampleOptions = {},
  name = '',
): unknown {
  return example(doc, isObject(schema) ? schema : {}, options.properties ?? 'all', name, new Set());
}

function example(
  doc: OpenApiDocument,
  input: Schema,
  mode: 'required' | 'all',
  name: string,
  seen: ReadonlySet<string>,
): unknown {
  const followed = follow(doc, input, seen);
  if (followed.circular) return typesOf(followed.schema).includes('array') ? [] : {};
  const s = followed.schema;
  const at = followed.seen;
  if ('example' in s) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ('const' in s) return s.const;
  if ('default' in s) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const alternatives = variantsOf(s);
  if (alternatives) {
    const choice = preferredAlternative(doc, alternatives.list, at);
    return example(doc, choice, mode, name, at);
  }
  if (Array.isArray(s.allOf)) return example(doc, mergeAllOf(doc, s.allOf, at), mode, name, at);
  const types = typesOf(s).filter((t) => t !== 'null');
  const type = types[0] ?? (isObject(s.properties) ? 'object' : isObject(s.items) ? 'array' : '');
  switch (type) {
    case 'object': {
      const props = isObject(s.properties) ? s.properties : {};
      const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
      const keys = Object.keys(props).filter(
        (k) => mode === 'all' || required.size === 0 || required.has(k),
      );
      return Object.fromEntries(
        keys.map((k) => {
          const p = props[k];
          return [k, example(doc, isObject(p) ? p : {}, mode, k, at)];
        }),
      );
    }
    case 'array':
      return [example(doc, isObject(s.items) ? s.items : {}, mode, singular(name), at)];
    case 'string':
      if (EXAMPLES_BY_NAME[name] !== undefined) return EXAMPLES_BY_NAME[name];
      if (typeof s.format === 'string' && s.format in EXAMPLES_BY_FORMAT) {
        return EXAMPLES_BY_FORMAT[s.format];
      }
      return 'string';
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return types.length === 0 && typesOf(s).includes('null') ? null : {};
  }
}

/**
 * The alternative an example takes: the first whose required properties all have demo values
 * (a subscriber reference by `{email}`, which the demo workspace knows), else the first that is
 * not `null`.
 */
function preferredAlternative(
  doc: OpenApiDocument,
  list: unknown[],
  seen: ReadonlySet<string>,
): Schema {
  const candidates = list.filter((v) => isObject(v) && !isNullSchema(v)) as Schema[];
  const demo = candidates.find((v) => {
    const s = follow(doc, v, seen).schema;
    const required = Array.isArray(s.required) ? s.required.map(String) : [];
    return required.length > 0 && required.every((k) => k in DEMO_VALUES);
  });
  return demo ?? candidates[0] ?? {};
}

const singular = (name: string) => (name.endsWith('s') ? name.slice(0, -1) : name);

// --- Operations ------------------------------------------------------------------------------

export type Scope = 'read' | 'check' | 'write';

export interface Parameter {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  schema: Field;
  example: unknown;
}

export interface MediaBody {
  mediaType: string;
  description?: string;
  schema: Field;
  /** Undefined when the schema says nothing an example could show (a bare `object`). */
  example: unknown;
}

export interface ResponseGroup {
  /** Statuses answered with the very same response (`400`, `401`, ... sharing one problem). */
  statuses: string[];
  description: string;
  content: MediaBody[];
  success: boolean;
}

export interface Operation {
  id: string;
  method: string;
  path: string;
  group: string;
  summary?: string;
  description?: string;
  scope?: { scope: Scope; stated: boolean };
  parameters: Parameter[];
  requestBody?: { required: boolean; content: MediaBody[] };
  responses: ResponseGroup[];
  curl?: string;
}

/** An anchor: the operationId, else method and path (`post-api-v1-check`). */
export function operationAnchor(method: string, path: string, operationId?: unknown): string {
  if (typeof operationId === 'string' && operationId) return slug(operationId);
  return slug(`${method} ${path}`);
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Every operation of `paths` (or of `webhooks`), in document order. */
export function operations(
  doc: OpenApiDocument,
  options: { baseUrl: string; section?: 'paths' | 'webhooks' },
): Operation[] {
  const section = options.section ?? 'paths';
  const items = (section === 'webhooks' ? doc.webhooks : doc.paths) ?? {};
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(items)) {
    if (!isObject(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      out.push(operation(doc, { path, method, op, shared, section, baseUrl: options.baseUrl }));
    }
  }
  return out;
}

function operation(
  doc: OpenApiDocument,
  a: {
    path: string;
    method: string;
    op: Schema;
    shared: unknown[];
    section: 'paths' | 'webhooks';
    baseUrl: string;
  },
): Operation {
  const { op, method, path } = a;
  const parameters = parametersOf(doc, [
    ...a.shared,
    ...(Array.isArray(op.parameters) ? op.parameters : []),
  ]);
  const requestBody = requestBodyOf(doc, op.requestBody);
  const tags = Array.isArray(op.tags) ? op.tags.map(String) : [];
  const operation: Operation = {
    id:
      a.section === 'webhooks'
        ? `webhook-${slug(path)}`
        : operationAnchor(method, path, op.operationId),
    method: method.toUpperCase(),
    path,
    group: tags[0] ?? groupOf(path),
    ...(typeof op.summary === 'string' ? { summary: op.summary } : {}),
    ...(typeof op.description === 'string' ? { description: op.description } : {}),
    parameters,
    ...(requestBody ? { requestBody } : {}),
    responses: responsesOf(doc, op.responses),
  };
  if (a.section === 'paths') {
    operation.scope = scopeOf(doc, method, op);
    operation.curl = curl({ baseUrl: a.baseUrl, method, path, parameters, requestBody });
  }
  return operation;
}

/** The first path segment after `/api/v<n>/`, capitalised: `/api/v1/check/bulk` is `Check`. */
export function groupOf(path: string): string {
  const rest = path.replace(/^\/api\/v\d+\//, '').replace(/^\//, '');
  const first = rest.split('/')[0] ?? '';
  return first ? first.charAt(0).toUpperCase() + first.slice(1) : 'Other';
}

/** Operations grouped by tag or path prefix, groups in order of their first operation. */
export function groupOperations(ops: Operation[]): { name: string; operations: Operation[] }[] {
  const groups = new Map<string, Operation[]>();
  for (const op of ops) groups.set(op.group, [...(groups.get(op.group) ?? []), op]);
  return [...groups].map(([name, list]) => ({ name, operations: list }));
}

const SCOPES: Scope[] = ['read', 'check', 'write'];

/**
 * The scope an operation needs: the scheme's scopes in its `security` when the document gives
 * them, else the first scope its description names ("Scope `check` or `write`"). The document
 * states no scope for some operations; for those the method decides (`read` to read, `write`
 * otherwise), marked `stated: false`. A `write` key is always enough.
 */
export function scopeOf(
  _doc: OpenApiDocument,
  method: string,
  op: Schema,
): { scope: Scope; stated: boolean } {
  if (Array.isArray(op.security)) {
    for (const requirement of op.security) {
      if (!isObject(requirement)) continue;
      for (const list of Object.values(requirement)) {
        const found = Array.isArray(list)
          ? list.find((s) => SCOPES.includes(s as Scope))
          : undefined;
        if (found) return { scope: found as Scope, stated: true };
      }
    }
  }
  const text = typeof op.description === 'string' ? op.description : '';
  const named = /\bScopes?\s+`(read|check|write)`/i.exec(text)?.[1];
  if (named) return { scope: named.toLowerCase() as Scope, stated: true };
  return { scope: method.toLowerCase() === 'get' ? 'read' : 'write', stated: false };
}

function parametersOf(doc: OpenApiDocument, list: unknown[]): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const raw of list) {
    if (!isObject(raw)) continue;
    const p = follow(doc, raw, new Set()).schema;
    if (typeof p.name !== 'string' || typeof p.in !== 'string') continue;
    const schema = isObject(p.schema) ? p.schema : {};
    byKey.set(`${p.in}:${p.name}`, {
      name: p.name,
      in: p.in,
      required: p.required === true,
      ...(typeof p.description === 'string' ? { description: p.description } : {}),
      schema: describeSchema(doc, schema),
      example: 'example' in p ? p.example : exampleOf(doc, schema, {}, p.name),
    });
  }
  return [...byKey.values()];
}

function mediaBodies(
  doc: OpenApiDocument,
  content: unknown,
  mode: 'required' | 'all',
): MediaBody[] {
  if (!isObject(content)) return [];
  return Object.entries(content).map(([mediaType, media]) => {
    const m = isObject(media) ? media : {};
    const schema = isObject(m.schema) ? m.schema : {};
    const field = describeSchema(doc, schema);
    const informative =
      'example' in m ||
      field.children.length > 0 ||
      field.variants.length > 0 ||
      field.enumValues !== undefined ||
      !['any', 'object'].includes(field.type);
    return {
      mediaType,
      ...(typeof m.description === 'string' ? { description: m.description } : {}),
      schema: field,
      example:
        'example' in m
          ? m.example
          : informative
            ? exampleOf(doc, schema, { properties: mode })
            : undefined,
    };
  });
}

function requestBodyOf(
  doc: OpenApiDocument,
  raw: unknown,
): { required: boolean; content: MediaBody[] } | undefined {
  if (!isObject(raw)) return undefined;
  const body = follow(doc, raw, new Set()).schema;
  return { required: body.required === true, content: mediaBodies(doc, body.content, 'required') };
}

function responsesOf(doc: OpenApiDocument, raw: unknown): ResponseGroup[] {
  if (!isObject(raw)) return [];
  const groups: { key: string; group: ResponseGroup }[] = [];
  for (const [status, value] of Object.entries(raw)) {
    const response = isObject(value) ? follow(doc, value, new Set()).schema : {};
    const key = JSON.stringify(response);
    const success = status.startsWith('2');
    const same = groups.find((g) => g.key === key && g.group.success === success);
    if (same) {
      same.group.statuses.push(status);
      continue;
    }
    groups.push({
      key,
      group: {
        statuses: [status],
        description: typeof response.description === 'string' ? response.description : '',
        content: mediaBodies(doc, response.content, 'all'),
        success,
      },
    });
  }
  return groups.map((g) => g.group);
}

// --- curl ------------------------------------------------------------------------------------

/** A shell word in single quotes. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * A curl command for an operation: path parameters and required query parameters filled with
 * examples, header parameters given, and the JSON example body (required properties only).
 */
export function curl(a: {
  baseUrl: string;
  method: string;
  path: string;
  parameters: Parameter[];
  requestBody?: { content: MediaBody[] };
}): string {
  let path = a.path;
  const query = new URLSearchParams();
  const headers: string[] = [];
  for (const p of a.parameters) {
    const value = typeof p.example === 'string' ? p.example : JSON.stringify(p.example);
    if (p.in === 'path') path = path.replaceAll(`{${p.name}}`, encodeURIComponent(value));
    else if (p.in === 'query' && p.required) query.set(p.name, value);
    else if (p.in === 'header') headers.push(`${p.name}: ${value}`);
  }
  const url = `${a.baseUrl.replace(/\/+$/, '')}${path}${query.size ? `?${query}` : ''}`;
  const method = a.method.toUpperCase();
  const json = a.requestBody?.content.find((c) => c.mediaType === 'application/json');
  const lines = [
    `curl -s${method === 'GET' || (method === 'POST' && json) ? '' : ` -X ${method}`} ${shellQuote(url)}`,
  ];
  lines.push(`-H "Authorization: Bearer $KEY"`);
  for (const h of headers) lines.push(`-H ${shellQuote(h)}`);
  if (json) {
    lines.push(`-H 'Content-Type: application/json'`);
    lines.push(`-d ${shellQuote(JSON.stringify(json.example ?? {}))}`);
  }
  return lines.join(' \\\n  ');
}

// --- Text ------------------------------------------------------------------------------------

export type Inline =
  | { kind: 'text' | 'code'; text: string }
  | { kind: 'link'; text: string; href: string };

/**
 * The document's descriptions use a little Markdown: paragraphs split by blank lines,
 * `code` in backticks, and bare https URLs. Paragraphs of inline pieces, nothing else.
 */
export function paragraphs(text: string | undefined): Inline[][] {
  if (!text) return [];
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map(inline);
}

export function inline(text: string): Inline[] {
  const out: Inline[] = [];
  text.split(/(`[^`]+`)/).forEach((piece, i) => {
    if (!piece) return;
    if (i % 2 === 1) {
      out.push({ kind: 'code', text: piece.slice(1, -1) });
      return;
    }
    // A URL ends before trailing punctuation: "(https://example.com)." links example.com.
    const parts = piece.split(/(https?:\/\/[^\s)]+[^\s).,;:!?])/);
    parts.forEach((part, j) => {
      if (!part) return;
      out.push(
        j % 2 === 1 ? { kind: 'link', text: part, href: part } : { kind: 'text', text: part },
      );
    });
  });
  return out;
}

/** Scopes named in the document's description, in the order the API knows them. */
export function scopeSummary(ops: Operation[]): { scope: Scope; operations: Operation[] }[] {
  return SCOPES.map((scope) => ({
    scope,
    operations: ops.filter((op) => op.scope?.scope === scope),
  }));
}
