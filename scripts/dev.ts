// `npm run dev`: the API with restart-on-change and Vite with hot reload (http://127.0.0.1:5173).
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const env = { ...process.env, NODE_ENV: 'development' };
const children: ChildProcess[] = [
  spawn(process.execPath, ['--watch', 'src/server/main.ts'], { cwd: root, env, stdio: 'inherit' }),
  spawn(path.join(root, 'node_modules/.bin/vite'), [], { cwd: root, env, stdio: 'inherit' }),
];

function stop(): void {
  for (const child of children) child.kill('SIGTERM');
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', (code) => {
  stop();
  process.exitCode = code ?? 0;
});
