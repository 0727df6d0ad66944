// Preloaded into a benchmark's server process (`node --import ./bench/memory-monitor.ts`, with
// MEMORY_MONITOR_FILE set): every 5 s appends the process's memory as a JSON line
// `{at, rss, heapUsed, heapTotal, external, arrayBuffers}` (MiB; at: epoch ms), so a soak can tell a
// growing JavaScript heap (a leak or a filling cache) from memory the allocator keeps outside it.
import fs from 'node:fs';

const file = process.env.MEMORY_MONITOR_FILE;
const MIB = 1024 * 1024;

if (file) {
  setInterval(() => {
    const m = process.memoryUsage();
    const line = {
      at: Date.now(),
      rss: Math.round(m.rss / MIB),
      heapUsed: Math.round(m.heapUsed / MIB),
      heapTotal: Math.round(m.heapTotal / MIB),
      external: Math.round(m.external / MIB),
      arrayBuffers: Math.round(m.arrayBuffers / MIB),
    };
    fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 5_000).unref();
}
