// `npm run doctor`: tells a user what is present, what is missing and what that means.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { ConfigError, type Config, loadConfig } from '../config.ts';
import { createDatabase, describeDatabase } from '../db/database.ts';
import { pendingMigrations } from '../db/migrate.ts';
import { createBlobStore } from '../storage/index.ts';
import { SERVER_TOOLS } from '../system-tools.ts';

const run = promisify(execFile);

interface Check {
  name: string;
  ok: boolean;
  required: boolean;
  detail: string;
}

async function toolVersion(command: string, args: string[], pattern: RegExp): Promise<string | null> {
  try {
    const { stdout, stderr } = await run(command, args, { timeout: 20_000 });
    // Some tools (pdftoppm) print their version on stderr.
    const output = `${stdout}\n${stderr}`.trim();
    return output.match(pattern)?.[1] ?? output.split('\n')[0]?.trim() ?? 'unknown version';
  } catch {
    return null;
  }
}

async function checkDatabase(config: Config): Promise<Check> {
  const name = 'database';
  const db = createDatabase(config.database);
  try {
    await sql`select 1`.execute(db);
    const pending = await pendingMigrations(db);
    const state = pending.length ? `${pending.length} migration(s) pending; \`npm start\` or \`npm run db:migrate\` applies them` : 'migrations current';
    return { name, ok: true, required: true, detail: `${describeDatabase(config.database)}: reachable, ${state}` };
  } catch (err) {
    return { name, ok: false, required: true, detail: `${describeDatabase(config.database)}: ${(err as Error).message}` };
  } finally {
    await db.destroy().catch(() => {});
  }
}

async function checkStorage(config: Config): Promise<Check> {
  const store = await createBlobStore(config.storage);
  try {
    const marked = await store.hasMarker();
    return {
      name: 'file storage',
      ok: true,
      required: true,
      detail: `${store.description}: reachable, ${marked ? 'marker present' : 'no marker yet (written at the first start)'}`,
    };
  } catch (err) {
    return { name: 'file storage', ok: false, required: true, detail: `${store.description}: ${(err as Error).message}` };
  }
}

function checkDataDir(config: Config): Check {
  try {
    mkdirSync(config.dataDir, { recursive: true });
    accessSync(config.dataDir, constants.W_OK);
    return { name: 'data folder', ok: true, required: true, detail: `${config.dataDir} (writable)` };
  } catch (err) {
    return { name: 'data folder', ok: false, required: true, detail: `${config.dataDir}: ${(err as Error).message}` };
  }
}

async function main(): Promise<number> {
  const checks: Check[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  checks.push({
    name: 'Node.js',
    ok: major >= 24,
    required: true,
    detail: major >= 24 ? `v${process.versions.node}` : `v${process.versions.node}; Lectern needs 24 or newer (run it through npm, which uses the bundled Node 24)`,
  });

  let config: Config | undefined;
  try {
    config = loadConfig();
    checks.push({ name: 'configuration', ok: true, required: true, detail: 'environment is valid' });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    checks.push({ name: 'configuration', ok: false, required: true, detail: err.message });
  }
  if (config) {
    checks.push(checkDataDir(config));
    checks.push(await checkDatabase(config));
    checks.push(await checkStorage(config));
    const built = existsSync(path.join(config.webDistDir, 'index.html'));
    checks.push({
      name: 'web app build',
      ok: built,
      required: false,
      detail: built ? config.webDistDir : 'not built yet; `npm start` builds it on first run',
    });
  }

  for (const tool of SERVER_TOOLS) {
    const version = await toolVersion(tool.command, tool.versionArgs, tool.versionPattern);
    checks.push({
      name: tool.name,
      ok: version !== null,
      required: false,
      detail: version ?? `not found; needed for ${tool.usedFor} (Debian: apt-get install ${tool.debianPackages.join(' ')})`,
    });
  }

  console.log('Lectern doctor\n');
  for (const c of checks) {
    const mark = c.ok ? 'ok     ' : c.required ? 'MISSING' : 'warning';
    console.log(`  ${mark}  ${c.name.padEnd(14)} ${c.detail}`);
  }
  const failed = checks.filter((c) => c.required && !c.ok);
  console.log(
    failed.length
      ? `\n${failed.length} required check(s) failed: ${failed.map((c) => c.name).join(', ')}.`
      : '\nEverything required is in place.',
  );
  return failed.length ? 1 : 0;
}

process.exitCode = await main();
