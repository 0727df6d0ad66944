// `npm run demo`: loads the demo catalog (the sample price list and six generated suppliers with
// overlapping goods) and the demo accounts, then prints their credentials. Safe to run again.
import { describeDemo, loadDemoData } from '../modules/demo/demo.service.ts';
import { runCli } from './run-cli.ts';

await runCli(async (runtime) => {
  const result = await loadDemoData(runtime);
  process.stdout.write(`${describeDemo(result)}\n`);
});
