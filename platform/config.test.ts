import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, deriveKey, exportNextEnvironment, loadConfig } from './config';

describe('configuration', () => {
  it('defaults to the embedded database and a generated secret kept in the data dir', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dial-cfg-'));
    const cfg = loadConfig({ DIAL_DATA_DIR: dir });
    expect(cfg).toMatchObject({
      embedded: true,
      port: 3000,
      baseUrl: 'http://localhost:3000',
      devMailbox: true,
      worker: true,
    });
    expect(cfg.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(path.join(dir, 'secret'), 'utf8').trim()).toBe(cfg.secret);
    expect(statSync(path.join(dir, 'secret')).mode & 0o777).toBe(0o600);
    expect(loadConfig({ DIAL_DATA_DIR: dir }).secret).toBe(cfg.secret);
  });
  it('requires DIAL_SECRET with DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x/y' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x/y', DIAL_SECRET: 'short' })).toThrow(
      /32 characters/,
    );
    expect(
      loadConfig({ DATABASE_URL: 'postgres://x/y', DIAL_SECRET: 'x'.repeat(40) }).embedded,
    ).toBe(false);
  });
  it('treats empty variables as unset, and names what is wrong', () => {
    expect(loadConfig({ DATABASE_URL: '', DIAL_DATA_DIR: 'memory://' }).embedded).toBe(true);
    expect(() => loadConfig({ PORT: 'eighty', DIAL_DATA_DIR: 'memory://' })).toThrow(/PORT/);
    expect(() => loadConfig({ DIAL_WORKER: 'maybe', DIAL_DATA_DIR: 'memory://' })).toThrow(
      /DIAL_WORKER/,
    );
  });
  it('derives the base URL from the port and strips a trailing slash', () => {
    expect(loadConfig({ PORT: '4000', DIAL_DATA_DIR: 'memory://' }).baseUrl).toBe(
      'http://localhost:4000',
    );
    expect(
      loadConfig({ DIAL_BASE_URL: 'https://prefs.example.com/', DIAL_DATA_DIR: 'memory://' })
        .baseUrl,
    ).toBe('https://prefs.example.com');
  });
  it("derives next-auth's secret from DIAL_SECRET, the same on every instance, and exports its origin", () => {
    const env = { DATABASE_URL: 'postgres://x/y', DIAL_BASE_URL: 'https://prefs.example.com' };
    const one = loadConfig({ ...env, DIAL_SECRET: 'a'.repeat(64) });
    const two = loadConfig({ ...env, DIAL_SECRET: 'a'.repeat(64) });
    const other = loadConfig({ ...env, DIAL_SECRET: 'b'.repeat(64) });
    expect(one.authSecret).toBe(two.authSecret);
    expect(one.authSecret).not.toBe(other.authSecret);
    expect(one.authSecret).not.toContain(one.secret);
    expect(one.authSecret).toBe(deriveKey('a'.repeat(64), 'dial-nextauth-secret-v1'));
    expect(one.authSecret).toMatch(/^[\w-]{43}$/);
    expect(one.actionsKey).toBe(two.actionsKey);
    expect(one.actionsKey).not.toBe(other.actionsKey);
    expect(one.actionsKey).not.toBe(one.authSecret);
    expect(Buffer.from(one.actionsKey, 'base64')).toHaveLength(32);

    const saved = {
      url: process.env.NEXTAUTH_URL,
      secret: process.env.NEXTAUTH_SECRET,
      actions: process.env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY,
    };
    try {
      exportNextEnvironment(one);
      expect(process.env.NEXTAUTH_URL).toBe('https://prefs.example.com');
      expect(process.env.NEXTAUTH_SECRET).toBe(one.authSecret);
      expect(process.env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY).toBe(one.actionsKey);
    } finally {
      for (const [name, value] of [
        ['NEXTAUTH_URL', saved.url],
        ['NEXTAUTH_SECRET', saved.secret],
        ['NEXT_SERVER_ACTIONS_ENCRYPTION_KEY', saved.actions],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
