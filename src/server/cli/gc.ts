// `npm run gc [-- --dry-run] [--json]`: one garbage collection now, from the command line, with
// the same rules, lease and marker check as the hourly job; the run is recorded for the admin page.
import { parseArgs } from 'node:util';
import { GC_CLASS_LABELS, GC_CLASSES, type GcReport } from '../../shared/gc.ts';
import { formatBytes } from '../../shared/format-bytes.ts';
import { describeDatabase } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import { createRuntime } from '../runtime.ts';
import { exitWith, loadConfigOrExit } from './context.ts';

const USAGE = `Usage: npm run gc -- [--dry-run] [--json]

Runs the garbage collector once: files no draft or course uses, stored content no file uses,
objects the database does not know, unfinished writes and uploads, work folders, abandoned drafts.
  --dry-run   list what would go; delete nothing
  --json      print the report as JSON`;

const { values } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) exitWith(USAGE, 0);

function printReport(report: GcReport, dryRun: boolean): void {
  const verb = dryRun ? 'would free' : 'freed';
  for (const c of GC_CLASSES) {
    const { items, bytes } = report.classes[c];
    console.log(
      `  ${GC_CLASS_LABELS[c].padEnd(44)} ${String(items).padStart(7)} ${verb} ${bytes ? formatBytes(bytes) : ''}`,
    );
  }
  if (report.flaggedCount > 0) {
    console.log(`\n${report.flaggedCount} stored object(s) are missing; their files are marked missing:`);
    for (const f of report.flagged)
      console.log(`  ${f.key}  files: ${f.assetIds.join(', ') || '(dry run: not marked)'}`);
  }
  if (report.drafts.length > 0) {
    console.log(`\nDrafts to be removed soon (nobody saved them for a long time):`);
    for (const d of report.drafts)
      console.log(`  ${new Date(d.removeAt).toISOString().slice(0, 10)}  ${d.title}  (${d.id})`);
  }
  if (report.errorCount > 0) {
    console.log(`\n${report.errorCount} error(s):`);
    for (const e of report.errors) console.log(`  ${e}`);
  }
}

const config = loadConfigOrExit();
const logger = createLogger({ ...config, logLevel: 'warn' });
const runtime = await createRuntime(config, logger).catch((err: Error) =>
  exitWith(`lectern: cannot start (${describeDatabase(config.database)}): ${err.message}`),
);
const dryRun = values['dry-run'];
let code = 0;
try {
  const result = await runtime.services.gc.run({ dryRun, trigger: 'cli' });
  if (result.status === 'busy') {
    console.error('Another garbage collection is running (on this or another node). Try again when it has finished.');
    code = 3;
  } else if (values.json) {
    console.log(JSON.stringify({ id: result.id, status: result.status, dryRun, report: result.report }));
  } else {
    console.log(
      `Garbage collection${dryRun ? ' (dry run: nothing deleted)' : ''}: ${result.status} in ${(result.report.durationMs / 1000).toFixed(1)} s`,
    );
    if (result.report.refusal) console.log(result.report.refusal);
    else printReport(result.report, dryRun);
  }
  if (result.status === 'refused' || result.status === 'failed') code = 1;
} finally {
  await runtime.close();
}
process.exit(code);
