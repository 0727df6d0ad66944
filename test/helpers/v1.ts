// Calling API v1 as its clients do: form-urlencoded, multipart or JSON bodies, `Token <key>` auth.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './app.ts';

export type V1Encoding = 'form' | 'multipart' | 'json';

export interface V1Call {
  /** Values as a client writes them; form encodings send them as strings. */
  body?: Record<string, unknown>;
  token?: string;
  encoding?: V1Encoding;
  headers?: Record<string, string>;
}

function formText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function encode(body: Record<string, unknown>, encoding: V1Encoding): { payload: string; type: string } {
  if (encoding === 'json') return { payload: JSON.stringify(body), type: 'application/json' };
  if (encoding === 'form') {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(body)) params.append(key, formText(value));
    return { payload: params.toString(), type: 'application/x-www-form-urlencoded' };
  }
  const boundary = `----v1test${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(body).map(
    ([key, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${formText(value)}\r\n`,
  );
  return {
    payload: `${parts.join('')}--${boundary}--\r\n`,
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

export async function v1(
  t: TestApp,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  call: V1Call = {},
) {
  const headers: Record<string, string> = { ...call.headers };
  if (call.token) headers.authorization = `Token ${call.token}`;
  let payload: string | undefined;
  if (call.body) {
    const encoded = encode(call.body, call.encoding ?? 'form');
    payload = encoded.payload;
    headers['content-type'] = encoded.type;
  }
  return t.app.inject({ method, url: `/api/v1/${path}`, headers, payload });
}

/** A local HTTP server handing out files of a folder (price lists to import by URL). */
export async function serveFiles(
  files: Record<string, string>,
): Promise<{ url: (name: string) => string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    const name = decodeURIComponent((request.url ?? '/').slice(1));
    const file = files[name];
    if (!file) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/x-yaml' });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
