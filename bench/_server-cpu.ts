// The CPU time the benchmark's own process (the server under test) spends while `work` runs: a
// figure that other work on a shared machine skews far less than throughput. With
// BENCH_PROFILE=dir, a V8 CPU profile of that window is written there (open it in Chrome's DevTools).
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

export async function measureServerCpu<T>(label: string, work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const dir = process.env.BENCH_PROFILE;
  const session = dir ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  if (session && dir) {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${label}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
  return { result, cpuMs: (used.user + used.system) / 1000 };
}
