import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runTool, ToolError, toolAvailable } from './run-tool.ts';
import { alive, tempDir } from './test-support.ts';
import { waitFor } from '../../testing/wait.ts';

const signal = () => new AbortController().signal;

describe('runTool', () => {
  it('captures stdout, stderr and the exit code without a shell', async (t) => {
    const cwd = await tempDir(t);
    const result = await runTool('sh', ['-c', 'echo out; echo err >&2; exit 3', '$(touch pwned)'], {
      cwd,
      timeoutMs: 5000,
      signal: signal(),
    });
    assert.deepEqual(result, { stdout: 'out\n', stderr: 'err\n', code: 3 });
    // An argument is passed as is, never interpreted.
    const echo = await runTool('echo', ['$(id)', '; ls'], { cwd, timeoutMs: 5000, signal: signal() });
    assert.equal(echo.stdout, '$(id) ; ls\n');
  });

  it('runs the tool at low CPU priority', async (t) => {
    const { stdout } = await runTool('nice', [], { cwd: await tempDir(t), timeoutMs: 5000, signal: signal() });
    assert.ok(Number(stdout) >= 10, `niceness ${stdout.trim()}`);
  });

  it('caps the captured output but keeps draining it', async (t) => {
    const result = await runTool('head', ['-c', '3000000', '/dev/zero'], {
      cwd: await tempDir(t),
      timeoutMs: 10_000,
      signal: signal(),
      maxOutputBytes: 1000,
    });
    assert.equal(result.code, 0);
    assert.equal(result.stdout.length, 1000);
    const big = await runTool('head', ['-c', '3000000', '/dev/zero'], {
      cwd: '/',
      timeoutMs: 10_000,
      signal: signal(),
    });
    assert.equal(big.stdout.length, 1024 * 1024);
  });

  it('kills the tool on timeout and says which tool', async (t) => {
    const started = Date.now();
    await assert.rejects(
      runTool('sleep', ['30'], { cwd: await tempDir(t), timeoutMs: 200, signal: signal() }),
      (err: unknown) => err instanceof ToolError && err.kind === 'timeout' && /^sleep took longer/.test(err.message),
    );
    assert.ok(Date.now() - started < 2000);
  });

  it('on abort kills the whole process group at once and rejects', async (t) => {
    const controller = new AbortController();
    let shellPid = 0;
    let childPid = 0;
    const started = Date.now();
    const run = runTool('sh', ['-c', 'sleep 30 & echo $!; wait'], {
      cwd: await tempDir(t),
      timeoutMs: 60_000,
      signal: controller.signal,
      onSpawn: (pid) => {
        shellPid = pid;
      },
      onStdout: (chunk) => {
        childPid = Number(chunk.trim());
        // The shell has started its child: stop them now.
        controller.abort();
      },
    });
    await assert.rejects(
      run,
      (err: unknown) => err instanceof ToolError && err.kind === 'aborted' && /^sh was stopped/.test(err.message),
    );
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    assert.ok(shellPid > 0 && childPid > 0);
    assert.equal(alive(shellPid), false, 'the tool is gone');
    // The grandchild (sleep 30) may take a moment to die and be reaped, but it must go: killed with the group.
    await waitFor(() => !alive(childPid), 'its child to be gone too', 5_000, 10);
  });

  it('does not start when already aborted, or when the tool is missing', async (t) => {
    const cwd = await tempDir(t);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(runTool('sleep', ['30'], { cwd, timeoutMs: 5000, signal: controller.signal }), {
      kind: 'aborted',
    });
    assert.equal(toolAvailable('lectern-no-such-tool'), false);
    assert.equal(toolAvailable('sh'), true);
    assert.equal(toolAvailable('/bin/sh'), true);
    await assert.rejects(runTool('lectern-no-such-tool', [], { cwd, timeoutMs: 5000, signal: signal() }), {
      kind: 'missing',
      message: 'lectern-no-such-tool is not installed on this server.',
    });
  });
});
