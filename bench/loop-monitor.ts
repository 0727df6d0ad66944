// Preloaded into a benchmark's server process (`node --import ./bench/loop-monitor.ts`, with
// LOOP_MONITOR_FILE set): records every stretch in which the main thread's event loop did not turn
// for longer than STALL_MS, with its wall time and the CPU time the main thread itself spent in
// it (process.threadCpuUsage). On a loaded machine the wall time of a stall includes waiting for a
// core; its CPU time does not: a stall of much wall time but little CPU is the machine's load, one
// of much CPU is work this process did on its event loop without yielding. Written as JSON lines
// `{at, wallMs, cpuMs}` (at: epoch ms at the stall's end) to the file, once a second and at exit.
// Main thread only (see below).
import fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.LOOP_MONITOR_FILE;
const TICK_MS = 5;
const STALL_MS = 40;

// Preloads run in every worker thread too (they inherit --import): the price-list reader's thread
// parses a file in long synchronous stretches by design, which are not stalls of the event loop
// that answers requests. Only the main thread is watched.
if (file && isMainThread) {
  const pending: string[] = [];
  let lastWall = performance.now();
  let lastCpu = cpuMs();
  const flush = () => {
    if (pending.length === 0) return;
    fs.appendFileSync(file, pending.join(''));
    pending.length = 0;
  };
  const tick = setInterval(() => {
    const wall = performance.now();
    const cpu = cpuMs();
    const wallMs = wall - lastWall;
    if (wallMs > STALL_MS) {
      pending.push(
        `${JSON.stringify({ at: Date.now(), wallMs: Math.round(wallMs), cpuMs: Math.round(cpu - lastCpu) })}\n`,
      );
    }
    lastWall = wall;
    lastCpu = cpu;
  }, TICK_MS);
  tick.unref();
  setInterval(flush, 1000).unref();
  process.on('exit', flush);
}

function cpuMs(): number {
  const usage = process.threadCpuUsage();
  return (usage.user + usage.system) / 1000;
}
