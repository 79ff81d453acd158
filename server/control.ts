import { existsSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { CommandResult } from '@/cli/commands';

/**
 * The embedded server's control socket: while a server owns the PGlite data dir, the CLI cannot
 * open it, so it hands its argv to the server here and prints the answer. One JSON line each way.
 * The socket lives in the data dir (mode 0700 by our mkdir; the socket file is 0600).
 */

export function socketPath(dataDir: string): string {
  return path.join(dataDir, 'dial.sock');
}

const MAX_REQUEST = 64 * 1024;

export function startControlServer(
  dataDir: string,
  run: (argv: string[]) => Promise<CommandResult>,
): Promise<{ close: () => Promise<void> }> {
  const file = socketPath(dataDir);
  // We hold the data dir lock, so a socket file left here is from a dead owner.
  if (existsSync(file)) unlinkSync(file);
  const server = net.createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_REQUEST) socket.destroy();
      const newline = buffer.indexOf('\n');
      if (newline === -1) return;
      const line = buffer.slice(0, newline);
      buffer = '';
      void answer(line).then((result) => socket.end(`${JSON.stringify(result)}\n`));
    });
    socket.on('error', () => socket.destroy());
  });
  const answer = async (line: string): Promise<CommandResult> => {
    try {
      const request = JSON.parse(line) as { argv?: unknown };
      if (!Array.isArray(request.argv) || !request.argv.every((a) => typeof a === 'string')) {
        return { code: 2, stdout: '', stderr: 'Bad control request.\n' };
      }
      return await run(request.argv);
    } catch {
      return { code: 2, stdout: '', stderr: 'Bad control request.\n' };
    }
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => {
      server.off('error', reject);
      resolve({
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            try {
              unlinkSync(file);
            } catch {
              // Already gone.
            }
          }),
      });
    });
  });
}

/** Sends argv to the live server; rejects if nothing answers on the socket. */
export function sendControlCommand(
  dataDir: string,
  argv: string[],
  timeoutMs = 60_000,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath(dataDir));
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('The running Dial server did not answer in time.'));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ argv })}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
    });
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buffer) as CommandResult);
      } catch {
        reject(new Error('The running Dial server sent an unreadable answer.'));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
