// The embedded database opens with the buffer pool the configuration names (PGLITE_SHARED_BUFFERS_MB),
// not PostgreSQL's 128 MiB default written in the data folder's postgresql.conf.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.ts';
import { openConfiguredDatabase } from '../runtime.ts';

// Each case opens a data folder of its own (a copy of the migrated template).
vi.setConfig({ testTimeout: 120_000 });

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function sharedBuffers(env: Record<string, string>): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zakupka-settings-'));
  dirs.push(dataDir);
  const config = loadConfig({ ...env, DATA_DIR: dataDir });
  const { database, lock } = await openConfiguredDatabase(config);
  try {
    const [row] = await database.query<{ shared_buffers: string }>('show shared_buffers');
    return row.shared_buffers;
  } finally {
    await database.close();
    lock?.release();
  }
}

describe('embedded database settings', () => {
  it('opens with a 64 MiB buffer pool by default, and with the configured one', async () => {
    expect(await sharedBuffers({})).toBe('64MB');
    expect(await sharedBuffers({ PGLITE_SHARED_BUFFERS_MB: '24' })).toBe('24MB');
  });
});
