// `npm run bench -- NAME [args]`: runs bench/NAME.ts and checks it ends with one JSON line of figures.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''));

if (!name || !available.includes(name)) {
  console.error(`Usage: npm run bench -- NAME\nBenchmarks: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
const file = path.join(dir, `${name}.ts`);
if (!existsSync(file)) process.exit(2);

const child = spawn(process.execPath, ['--expose-gc', file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
let output = '';
child.stdout.on('data', (chunk: Buffer) => {
  output += chunk.toString();
  process.stdout.write(chunk);
});
child.on('exit', (code) => {
  const last = output.trimEnd().split('\n').at(-1) ?? '';
  try {
    const figures = JSON.parse(last);
    if (typeof figures !== 'object' || figures === null || Array.isArray(figures)) throw new Error('not an object');
  } catch {
    console.error(`bench ${name}: the last line is not a JSON object of figures`);
    process.exit(1);
  }
  process.exit(code ?? 1);
});
