import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import { authenticateApiKey } from '@/domain/api-keys';
import { seedDemo } from '@/domain/seed';
import { verifyLink } from '@/domain/signing-keys';
import { makeWorkspace } from '@/domain/test-fixtures';
import { requireWorkspace } from '@/domain/workspaces';
import { sendControlCommand, startControlServer } from '@/server/control';
import { runCommand } from './commands';

afterAll(() => closeDb());

describe('CLI commands', () => {
  it('workspace create, configure, api-key create (the key alone on stdout), link', async () => {
    const slug = `cli-${Date.now().toString(36)}`;
    expect(
      await runCommand(['workspace', 'create', '--slug', slug, '--name', 'CLI Shop']),
    ).toMatchObject({ code: 0 });
    expect(
      (await runCommand(['workspace', 'create', '--slug', slug, '--name', 'Again'])).stderr,
    ).toMatch(/already exists/);
    const configured = await runCommand([
      'workspace',
      'configure',
      '--workspace',
      slug,
      '--twilio-auth-token',
      'tok-12345678',
      '--sms-number',
      '+14155550100',
    ]);
    expect(configured.code).toBe(0);
    const workspace = await requireWorkspace(slug);
    expect(workspace).toMatchObject({ twilioAuthToken: 'tok-12345678', smsNumber: '+14155550100' });

    const created = await runCommand([
      'api-key',
      'create',
      '--workspace',
      slug,
      '--scope',
      'check',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^dial_[A-Za-z0-9_-]+\n$/);
    expect(await authenticateApiKey(created.stdout.trim())).toMatchObject({
      scope: 'check',
      workspaceId: workspace.id,
    });
    expect(
      (await runCommand(['api-key', 'create', '--workspace', slug, '--scope', 'admin'])).code,
    ).toBe(2);
  });

  it("workspace configure takes the mail services' bounce and complaint webhook settings", async () => {
    const slug = `cli-mail-${Date.now().toString(36)}`;
    await runCommand(['workspace', 'create', '--slug', slug, '--name', 'Mail Shop']);
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .publicKey.export({ format: 'der', type: 'spki' })
      .toString('base64');
    const arn = 'arn:aws:sns:eu-west-1:123456789012:ses-bounces';
    const password = 'p4ssw0rd-long-enough-1234';
    const configured = await runCommand([
      'workspace',
      'configure',
      '--workspace',
      slug,
      '--ses-topic-arn',
      arn,
      '--sendgrid-public-key',
      key,
      '--postmark-basic-auth',
      `postmark:${password}`,
    ]);
    expect(configured).toEqual({
      code: 0,
      stdout: `Configured workspace "${slug}".\n`,
      stderr: '',
    });
    const workspace = await requireWorkspace(slug);
    expect(workspace.settings.mailEvents).toMatchObject({
      sesTopicArn: arn,
      sendgridPublicKey: key,
      postmarkUser: 'postmark',
    });
    // The password is kept only as a digest; other settings are left as they were.
    expect(JSON.stringify(workspace.settings)).not.toContain(password);
    expect(workspace.settings.senderName).toBe('Mail Shop');
    // One flag at a time merges; a bad value is refused and changes nothing.
    const other = 'arn:aws:sns:us-east-1:123456789012:other';
    expect(
      (await runCommand(['workspace', 'configure', '--workspace', slug, '--ses-topic-arn', other]))
        .code,
    ).toBe(0);
    expect((await requireWorkspace(slug)).settings.mailEvents).toMatchObject({
      sesTopicArn: other,
      sendgridPublicKey: key,
    });
    for (const bad of [
      ['--ses-topic-arn', 'arn:aws:s3:::bucket'],
      ['--sendgrid-public-key', 'not-a-key'],
      ['--postmark-basic-auth', 'no-colon'],
      ['--postmark-basic-auth', 'user:short'],
    ]) {
      const result = await runCommand(['workspace', 'configure', '--workspace', slug, ...bad]);
      expect(result.code, bad.join(' ')).toBe(1);
    }
    expect((await requireWorkspace(slug)).settings.mailEvents?.sesTopicArn).toBe(other);
  });

  it('link prints preferences and unsubscribe URLs that verify for the demo subscriber', async () => {
    await seedDemo();
    const result = await runCommand(['link', '--workspace', 'demo', '--email', 'Demo@Example.com']);
    expect(result.code).toBe(0);
    const [prefs, unsub] = result.stdout.trim().split('\n');
    expect(prefs).toMatch(/^preferences: http:\/\/localhost:\d+\/p\/\S+$/);
    expect(unsub).toMatch(/^unsubscribe: http:\/\/localhost:\d+\/u\/\S+$/);
    const token = (line: string | undefined) => line?.split('/').at(-1);
    expect((await verifyLink(token(prefs), { purpose: 'preferences' })).ok).toBe(true);
    expect((await verifyLink(token(unsub), { purpose: 'unsubscribe' })).ok).toBe(true);
    const json = JSON.parse(
      (
        await runCommand([
          'link',
          '--workspace',
          'demo',
          '--email',
          'demo@example.com',
          '--category',
          'promotions',
          '--channel',
          'email',
          '--json',
        ])
      ).stdout,
    );
    expect(json.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(json.headers['List-Unsubscribe']).toBe(`<${json.oneClickUrl}>`);
  });

  it('explains bad input with a non-zero exit', async () => {
    expect(
      await runCommand(['link', '--workspace', 'demo', '--email', 'nobody@example.com']),
    ).toMatchObject({ code: 1, stderr: expect.stringMatching(/No subscriber/) });
    expect(
      await runCommand(['link', '--workspace', 'nope', '--email', 'a@example.com']),
    ).toMatchObject({ code: 1, stderr: expect.stringMatching(/No workspace/) });
    expect(await runCommand(['link', '--workspace', 'demo'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/Missing --email/),
    });
    expect(await runCommand(['api-key', 'create', '--bogus'])).toMatchObject({ code: 2 });
    expect(await runCommand(['frobnicate'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/Unknown command/),
    });
    expect((await runCommand(['help'])).stdout).toMatch(/Usage/);
  });

  it('ledger verify and checkpoint', async () => {
    await seedDemo();
    expect((await runCommand(['ledger', 'checkpoint', '--workspace', 'demo'])).stdout).toMatch(
      /^Checkpoint \d+: /,
    );
    const verified = await runCommand(['ledger', 'verify', '--workspace', 'demo']);
    expect(verified).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK: /) });
  });

  it('demo history seeds past consent through the one door; the ledger verifies after it', async () => {
    const { workspace } = await makeWorkspace('cli-hist');
    const seeded = await runCommand([
      'demo',
      'history',
      '--workspace',
      workspace.slug,
      '--months',
      '2',
      '--subscribers',
      '12',
    ]);
    expect(seeded).toMatchObject({
      code: 0,
      stderr: '',
      stdout: expect.stringMatching(
        /^Seeded 2 months of history in "cli-hist-[^"]+": 12 subscribers, \d+ consent changes/,
      ),
    });
    const verified = await runCommand(['ledger', 'verify', '--workspace', workspace.slug]);
    expect(verified).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^OK: 12 subscribers/),
    });

    expect(
      (await runCommand(['demo', 'history', '--workspace', workspace.slug, '--months', '0'])).code,
    ).toBe(2);
    const bare = `cli-bare-${Date.now().toString(36)}`;
    await runCommand(['workspace', 'create', '--slug', bare, '--name', 'Bare']);
    const refused = await runCommand(['demo', 'history', '--workspace', bare]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/no marketing category/);
  });
});

describe('control socket', () => {
  it('hands argv to the server and returns its answer', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dial-ctl-'));
    const server = await startControlServer(dir, async (argv) => ({
      code: 3,
      stdout: argv.join('|'),
      stderr: 'e',
    }));
    try {
      expect(await sendControlCommand(dir, ['link', '--workspace', 'demo'])).toEqual({
        code: 3,
        stdout: 'link|--workspace|demo',
        stderr: 'e',
      });
    } finally {
      await server.close();
    }
    await expect(sendControlCommand(dir, ['x'])).rejects.toThrow();
  });
});
