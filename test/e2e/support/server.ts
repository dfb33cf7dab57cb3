// Starts the real Lectern server (src/server/main.ts) on a free port for browser tests.
// It stops with the test: over IPC it exits when its parent goes away.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type Dialect, type TestDatabase } from '../../../src/server/testing/databases.ts';

const root = path.resolve(import.meta.dirname, '../../..');

export interface RunningServer {
  url: string;
  dialect: Dialect;
  dataDir: string;
  /** The server's database, for tests that check what it holds. */
  database: TestDatabase['config'];
  /** The server process's id (it changes when the server is restarted). */
  pid(): number | undefined;
  /** Kills the process (SIGKILL, as a crash would) and starts it again on the same port and data. */
  crashAndRestart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function launch(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = fork(path.join(root, 'src/server/main.ts'), [], {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server still starting would keep the test process alive after the failure (its IPC channel).
      child.kill('SIGKILL');
      reject(new Error('server did not start within 30 s'));
    }, 30_000);
    child.on('message', (message: { type?: string }) => {
      if (message.type === 'listening') {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening`));
    });
  });
}

export async function startServer(dialect: Dialect, env: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-'));
  const testDb: TestDatabase = await createTestDatabase(dialect);
  const databaseUrl = testDb.config.dialect === 'postgres' ? testDb.config.connectionString : `sqlite:${testDb.config.file}`;
  const port = await freePort();
  const serverEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    PASSWORD_SCRYPT_LOG_N: '14',
    ...env,
  };
  let child = await launch(serverEnv);
  return {
    url: `http://127.0.0.1:${port}`,
    dialect,
    dataDir,
    database: testDb.config,
    pid: () => child.pid,
    async crashAndRestart() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      child = await launch(serverEnv);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await testDb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
