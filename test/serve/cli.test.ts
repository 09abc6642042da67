/**
 * hybrid-serve's flags and exit codes (the run-and-drain path is in limits.test.ts), and what a
 * request meets once draining has begun.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServeCore, DEFAULT_LIMITS } from '../../src/serve/core.js';
import { main } from '../../src/serve/cli.js';

async function cli(...argv: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await main(argv, { err: (s) => void (err += s) }, new Promise(() => {}));
  return { code, err };
}

describe('hybrid-serve', () => {
  it('prints its help and version with exit 0', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.err).toMatch(/--model-repository <dir>[\s\S]*--request-timeout-ms[\s\S]*--workers <n>[\s\S]*docs\/serve\.md/);
    expect((await cli('--version')).code).toBe(0);
  });

  it.each([
    [[], /required option '-m, --model-repository <dir>' not specified/],
    [['-m', 'x', '--http-port', '70000'], /--http-port must be an integer from 0 to 65535, got '70000'/],
    [['-m', 'x', '--max-body-bytes', '0'], /--max-body-bytes must be an integer from 1/],
    [['-m', 'x', '--bogus'], /unknown option '--bogus'/],
    [['-m', 'x', '--workers', '0'], /--workers must be an integer from 1 to 64, got '0'/],
    [['-m', 'x', '--workers', '65'], /--workers must be an integer from 1 to 64, got '65'/],
    [['-m', '/nonexistent/models', '--http-port', '0', '--grpc-port', '0'], /model repository \/nonexistent\/models is not a folder/],
  ])('exits 2 with one line for %j', async (argv, message) => {
    const { code, err } = await cli(...(argv as string[]));
    expect(code).toBe(2);
    expect(err).toMatch(/^hybrid-serve: /);
    expect(err).toMatch(message);
  });
});

describe('draining', () => {
  it('refuses new requests with UNAVAILABLE once close() has begun, and reports not ready', async () => {
    const core = new ServeCore(fs.mkdtempSync(path.join(os.tmpdir(), 'serve-empty-')), DEFAULT_LIMITS);
    await core.load();
    expect(core.ready).toBe(true);
    let release!: () => void;
    const inFlight = core.track(() => new Promise<string>((resolve) => (release = () => resolve('answered'))));
    const closed = core.close();
    expect(core.ready).toBe(false);
    expect(core.live).toBe(true);
    await expect(core.track(async () => 'late')).rejects.toMatchObject({
      kind: 'UNAVAILABLE',
      httpStatus: 503,
      message: 'the server is shutting down',
    });
    release();
    await expect(inFlight).resolves.toBe('answered');
    await closed;
  });
});
