import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATION_HANDLERS, openApiDocument } from './openapi';

/** Every route file under app/api/v1, as `method path` and the handler it mounts. */
async function mountedRoutes(): Promise<Map<string, unknown>> {
  const root = path.resolve(import.meta.dirname, '../../app/api/v1');
  const routes = new Map<string, unknown>();
  const walk = async (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) await walk(full);
      else if (name === 'route.ts') {
        const rel = path.relative(root, dir).split(path.sep).join('/');
        const apiPath = `/api/v1/${rel}`.replace(/\[(\w+)\]/g, '{$1}');
        const mod = (await import(full)) as Record<string, unknown>;
        for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
          if (mod[method]) routes.set(`${method.toLowerCase()} ${apiPath}`, mod[method]);
        }
      }
    }
  };
  await walk(root);
  return routes;
}

describe('the OpenAPI document', () => {
  it('describes every route the app mounts, with the scope its handler checks', async () => {
    const doc = openApiDocument() as unknown as {
      paths: Record<
        string,
        Record<string, { security?: { bearer: string[] }[]; responses: object }>
      >;
    };
    const routes = await mountedRoutes();
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`)),
    );
    routes.delete('get /api/v1/openapi.json');
    expect([...routes.keys()].sort()).toEqual([...documented].sort());
    for (const [key, handler] of routes) {
      // The document's table names the very function the route file mounts.
      expect(OPERATION_HANDLERS[key], key).toBe(handler);
      const [method, p] = key.split(' ') as [string, string];
      const operation = doc.paths[p]?.[method];
      expect(operation?.security, key).toEqual([{ bearer: [OPERATION_HANDLERS[key]?.scope] }]);
      expect(Object.keys(operation?.responses ?? {}), key).toEqual(
        expect.arrayContaining(['401', '403', '429']),
      );
    }
  });

  it('lists the problem types clients can switch on', () => {
    const doc = openApiDocument() as unknown as {
      components: { schemas: { Problem: { properties: { type: { examples: string[] } } } } };
    };
    expect(doc.components.schemas.Problem.properties.type.examples).toEqual(
      expect.arrayContaining([
        'urn:dial:problem:validation',
        'urn:dial:problem:rate-limited',
        'urn:dial:problem:consent-refused',
      ]),
    );
  });
});
