// `npm run create-staff -- --email admin@example.com --password '…' [--first-name …] [--last-name …]`
// Creates a confirmed staff account, or promotes an existing account to staff (and, with
// --password, sets its password). Like Django's createsuperuser.
import { parseArgs } from 'node:util';
import { createOrPromoteStaff } from '../modules/accounts/staff.service.ts';
import { CliError, runCli } from './run-cli.ts';

const { values } = parseArgs({
  options: {
    email: { type: 'string' },
    password: { type: 'string' },
    'first-name': { type: 'string' },
    'last-name': { type: 'string' },
  },
  strict: true,
});

await runCli(async (runtime) => {
  if (!values.email)
    throw new CliError('Usage: npm run create-staff -- --email <email> [--password <password>]');
  const result = await createOrPromoteStaff(runtime, {
    email: values.email,
    password: values.password,
    firstName: values['first-name'],
    lastName: values['last-name'],
  }).catch((error: Error & { errors?: { field: string; message: unknown }[] }) => {
    if (error.errors) {
      const lines = error.errors.map(
        (e) => `${e.field}: ${typeof e.message === 'string' ? e.message : (e.message as { en: string }).en}`,
      );
      throw new CliError(lines.join('\n'));
    }
    throw error;
  });
  process.stdout.write(
    `${result.created ? 'Created' : 'Promoted'} staff account ${result.email} (id ${result.id}).\n`,
  );
});
