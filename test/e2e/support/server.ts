// Starts the real Lectern server (src/server/main.ts) on a free port for browser tests.
// It stops with the test: over IPC it exits when its parent goes away.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type Dialect, type TestDatabase } from '../../../src/server/testing/databases.ts';

const root = path.resolve(import.meta.dirname, '../../..');

export interface RunningServer {
  url: string;
  dialect: Dialect;
  stop(): Promise<void>;
}

export async function startServer(dialect: Dialect, env: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lectern-e2e-'));
  const testDb: TestDatabase = await createTestDatabase(dialect);
  const databaseUrl = testDb.config.dialect === 'postgres' ? testDb.config.connectionString : `sqlite:${testDb.config.file}`;
  const child: ChildProcess = fork(path.join(root, 'src/server/main.ts'), [], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      PASSWORD_SCRYPT_LOG_N: '14',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start within 30 s')), 30_000);
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type === 'listening' && message.port) {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    dialect,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await testDb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
