import { expect } from '@playwright/test';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server a spec runs, keeping every mail Dial sends it. */

export type CapturedMail = { to: string; raw: string };

export type SmtpCapture = {
  inbox: CapturedMail[];
  /** The first mail to `address` (waits up to 20 s for it). */
  mailTo(address: string): Promise<CapturedMail>;
  close(): Promise<void>;
};

export async function startSmtpCapture(port: number): Promise<SmtpCapture> {
  const inbox: CapturedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        raw += chunk;
      });
      stream.on('end', () => {
        for (const rcpt of session.envelope.rcptTo)
          inbox.push({ to: rcpt.address.toLowerCase(), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  return {
    inbox,
    async mailTo(address) {
      const to = address.toLowerCase();
      await expect.poll(() => inbox.some((m) => m.to === to), { timeout: 20_000 }).toBe(true);
      return inbox.find((m) => m.to === to) as CapturedMail;
    },
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

/** The text part of a mail, decoded (nodemailer writes quoted-printable). */
export function textPart(raw: string): string {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1] ?? '';
  const part = raw.split(`--${boundary}`).find((p) => /Content-Type:\s*text\/plain/i.test(p)) ?? '';
  const body = part.split('\r\n\r\n').slice(1).join('\r\n\r\n');
  return Buffer.from(
    body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      ),
    'latin1',
  ).toString('utf8');
}
