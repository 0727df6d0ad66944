// `npm run demo`: loads the demo catalog (the sample price list and six generated suppliers with
// overlapping goods) and the demo accounts, then prints their credentials. Safe to run again.
// `npm run demo -- --history 6`: also six months of sales history (once, while there are no orders).
import { describeDemo, loadDemoData } from '../modules/demo/demo.service.ts';
import { runCli } from './run-cli.ts';

/** `--history <months>` (else DEMO_HISTORY_MONTHS): months of sales history for the statistics. */
function historyMonths(args: string[], fallback: number): number {
  const at = args.indexOf('--history');
  if (at === -1) return fallback;
  const months = Number(args[at + 1]);
  if (!Number.isInteger(months) || months < 0 || months > 36) {
    throw new Error('--history takes a number of months from 0 to 36');
  }
  return months;
}

await runCli(async (runtime) => {
  const result = await loadDemoData(runtime, {
    historyMonths: historyMonths(process.argv.slice(2), runtime.config.demoHistoryMonths),
  });
  process.stdout.write(`${describeDemo(result)}\n`);
});
