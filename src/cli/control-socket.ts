// The local-only channel through which command-line tools reach a running embedded server.
// PGlite allows one process per data folder (DATA_DIR/zakupka.lock), so while `npm start` runs,
// `npm run create-staff` cannot open the database itself: it asks the server instead, over a Unix
// socket in the data folder (DATA_DIR/control.sock, mode 0600: only the folder's owner may talk to
// it; nothing listens on the network). One request per connection: one JSON line in, one out.
// With DATABASE_URL there is no lock and no socket: the tools open the database directly.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { createOrPromoteStaff, type StaffInput } from '../modules/accounts/staff.service.ts';
import type { Runtime } from '../runtime.ts';

export function controlSocketPath(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'control.sock');
}

/** What the tools may ask; each answer is the lines to print. */
interface ControlRequest {
  command: 'create-staff';
  input: StaffInput;
}

type ControlReply = { ok: true; output: string } | { ok: false; error: string };

/** One line per problem, as the create-staff CLI prints them (English: the CLI speaks English). */
export function describeFailure(error: unknown): string {
  const fields = (error as { errors?: { field: string; message: unknown }[] }).errors;
  if (fields) {
    return fields
      .map(
        (e) => `${e.field}: ${typeof e.message === 'string' ? e.message : (e.message as { en: string }).en}`,
      )
      .join('\n');
  }
  return error instanceof Error ? error.message : String(error);
}

export async function createStaffOutput(runtime: Runtime, input: StaffInput): Promise<string> {
  const result = await createOrPromoteStaff(runtime, input);
  return `${result.created ? 'Created' : 'Promoted'} staff account ${result.email} (id ${result.id}).`;
}

async function answer(runtime: Runtime, raw: string): Promise<ControlReply> {
  let request: ControlRequest;
  try {
    request = JSON.parse(raw) as ControlRequest;
  } catch {
    return { ok: false, error: 'malformed request' };
  }
  if (request.command !== 'create-staff' || typeof request.input?.email !== 'string') {
    return { ok: false, error: `unknown command ${JSON.stringify(request.command)}` };
  }
  try {
    return { ok: true, output: await createStaffOutput(runtime, request.input) };
  } catch (error) {
    return { ok: false, error: describeFailure(error) };
  }
}

/** Serves the tools while the embedded server runs; the returned function closes it. */
export async function startControlSocket(runtime: Runtime, log: Logger): Promise<() => Promise<void>> {
  const file = controlSocketPath(runtime.config.dataDir);
  // This process holds the data-folder lock: a socket file left here is a dead process's.
  fs.rmSync(file, { force: true });
  const server = net.createServer((socket) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.length > 64 * 1024) socket.destroy();
      const end = received.indexOf('\n');
      if (end < 0) return;
      void answer(runtime, received.slice(0, end)).then((reply) => {
        if (reply.ok) log.info({ command: 'create-staff' }, 'control: command done');
        socket.end(`${JSON.stringify(reply)}\n`);
      });
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => {
      // Owner-only: another user of the machine may not ask for staff accounts.
      fs.chmodSync(file, 0o600);
      resolve();
    });
  });
  log.info({ socket: file }, 'control socket listening (npm run create-staff works while the server runs)');
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      fs.rmSync(file, { force: true });
    });
}

/** Sends one request to the running server; rejects when nothing listens there. */
export function askRunningServer(dataDir: string, request: ControlRequest): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(controlSocketPath(dataDir));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('end', () => {
      try {
        resolve(JSON.parse(received) as ControlReply);
      } catch {
        reject(new Error('the running server gave no answer'));
      }
    });
    socket.on('error', reject);
  });
}
