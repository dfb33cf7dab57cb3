// Job name → one handler. Built once at start; refuses a catalog job without a handler, a job
// with two, and a handler for a job the catalog does not know.
import { JOB_CATALOG, type JobName, type ParsedJobPayload } from './catalog.ts';
import type { JobContext } from './queue.ts';

export type JobHandler<N extends JobName> = (payload: ParsedJobPayload<N>, context: JobContext) => Promise<void>;

export interface HandlerRegistration<N extends JobName = JobName> {
  name: N;
  handler: JobHandler<N>;
}

export function handle<N extends JobName>(name: N, handler: JobHandler<N>): HandlerRegistration {
  return { name, handler: handler as unknown as JobHandler<JobName> };
}

export interface JobRegistry {
  handlerFor(name: JobName): JobHandler<JobName>;
  names(): JobName[];
}

export class JobRegistryError extends Error {}

export function createJobRegistry(
  registrations: readonly HandlerRegistration[],
  catalog: Record<string, unknown> = JOB_CATALOG,
): JobRegistry {
  const handlers = new Map<string, JobHandler<JobName>>();
  const problems: string[] = [];
  for (const { name, handler } of registrations) {
    if (!(name in catalog)) problems.push(`a handler is registered for unknown job "${name}"`);
    else if (handlers.has(name)) problems.push(`job "${name}" has two handlers`);
    else handlers.set(name, handler as JobHandler<JobName>);
  }
  for (const name of Object.keys(catalog)) {
    if (!handlers.has(name)) problems.push(`job "${name}" has no handler`);
  }
  if (problems.length > 0) throw new JobRegistryError(`Job registry is inconsistent: ${problems.join('; ')}`);
  return {
    handlerFor(name) {
      const handler = handlers.get(name);
      if (!handler) throw new JobRegistryError(`job "${name}" has no handler`);
      return handler;
    },
    names: () => [...handlers.keys()] as JobName[],
  };
}
