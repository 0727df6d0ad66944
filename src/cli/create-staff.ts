// `npm run create-staff -- --email admin@example.com --password '…' [--first-name …] [--last-name …]`
// Creates a confirmed staff account, or promotes an existing account to staff (and, with
// --password, sets its password). Like Django's createsuperuser. While `npm start` runs on the
// embedded database it holds the data folder: the command then asks the server to do it through
// its control socket (DATA_DIR/control.sock, see control-socket.ts).
import { askRunningServer, createStaffOutput, describeFailure } from './control-socket.ts';
import { CliError, parseCliArgs, printCliFailure, runCli } from './run-cli.ts';

const usage = 'Usage: npm run create-staff -- --email <email> [--password <password>]';
const { values } = parseCliArgs(
  {
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
    },
    strict: true,
  },
  usage,
);
const input = () => ({
  email: values.email!,
  password: values.password,
  firstName: values['first-name'],
  lastName: values['last-name'],
});

// A usage error needs no database: said before one is opened.
if (!values.email) {
  printCliFailure(new CliError(usage));
  process.exit(1);
}

await runCli(
  async (runtime) => {
    const output = await createStaffOutput(runtime, input()).catch((error: Error & { errors?: unknown }) => {
      throw error.errors ? new CliError(describeFailure(error)) : error;
    });
    process.stdout.write(`${output}\n`);
  },
  {
    // `npm start` holds the embedded data folder: the running server does it (control socket).
    async whenLocked(config) {
      const reply = await askRunningServer(config.dataDir, { command: 'create-staff', input: input() }).catch(
        (error: Error) => {
          throw new CliError(
            `The data folder is in use by a running Zakupka server, and its control socket did not answer (${error.message}). ` +
              'Stop that server, or run this while it runs with a newer version.',
          );
        },
      );
      if (!reply.ok) throw new CliError(reply.error);
      process.stdout.write(`${reply.output.replace(/\.$/, '')}, through the running server.\n`);
    },
  },
);
