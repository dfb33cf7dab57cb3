// A full job registry for tests: the handlers a test cares about, no-ops for every other job.
import { JOB_NAMES } from '../jobs/catalog.ts';
import { createJobRegistry, type HandlerRegistration, handle, type JobRegistry } from '../jobs/registry.ts';

export function registryWith(handlers: HandlerRegistration[]): JobRegistry {
  const given = new Set(handlers.map((h) => h.name));
  const rest = JOB_NAMES.filter((name) => !given.has(name)).map((name) => handle(name, async () => {}));
  return createJobRegistry([...handlers, ...rest]);
}
