/**
 * Saved models on the cuda backend (issue 14's artifacts, proven where they matter): save ->
 * load -> run equals compile -> run bit for bit, fp32 and fp16, static and over shape ranges
 * (at opt, min and max); a cuda file where the cuda backend is missing (a child process that
 * sees no GPU, CUDA_VISIBLE_DEVICES empty) and a plan built for another GPU architecture (its
 * architecture string forged to sm_80) are refused saying what differs, and the second is
 * rebuilt from its embedded source with load({ rebuild: 'if-needed' }) (held to the original
 * within 1e-5 of the output's scale: a rebuild times its tactics afresh).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { readContainer, writeContainer } from '../../src/artifact/container.js';
import { load } from '../../src/artifact/load.js';
import { type CompiledModel, compile } from '../../src/compiler/compile.js';
import { deviceQuery } from '../../src/engine/engine.js';
import { reseal } from '../engine/helpers/xxh64.js';
import { describeIf } from '../helpers/skip.js';
import { relativeError, resnet, sine, transformer } from '../runtime/helpers.js';
import { CUDA, NO_CUDA } from './helpers.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-gpu-artifact-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const root = path.resolve(import.meta.dirname, '..', '..');

type Input = CompiledModel['inputs'][number];

/** Every output of `b` equals `a`'s bit for bit, at the compiled shapes and each range's ends. */
async function expectSameRuns(a: CompiledModel, b: CompiledModel): Promise<void> {
  const ends = (a.inputs[0]?.ranges ?? []).flatMap((_, p) => [(i: Input) => i.ranges![p]!.min, (i: Input) => i.ranges![p]!.max]);
  for (const shapeOf of [(i: Input) => i.shape, ...ends]) {
    const feeds = Object.fromEntries(a.inputs.map((i, k) => [i.name, sine(shapeOf(i), k)]));
    const [x, y] = [await a.run(feeds), await b.run(feeds)];
    expect(Object.keys(y).sort()).toEqual(Object.keys(x).sort());
    for (const name of Object.keys(x)) {
      expect(y[name]!.dims, name).toEqual(x[name]!.dims);
      const bytes = (t: (typeof x)[string]) =>
        Buffer.from((t.data as Float32Array).buffer, (t.data as Float32Array).byteOffset, (t.data as Float32Array).byteLength);
      expect(bytes(y[name]!).equals(bytes(x[name]!)), `${name} bit for bit`).toBe(true);
    }
  }
}

/** The file's plans with their architecture string replaced (same length), sealed again. */
function withArch(bytes: Uint8Array, arch: string): Uint8Array {
  return writeContainer(
    readContainer(bytes, 'test').map((s) => {
      if (s.kind !== 'plan') return s;
      const plan = s.bytes.slice();
      // Header (32 bytes), then the backend name and the architecture, each a u32 length and its bytes.
      const view = new DataView(plan.buffer);
      const at = 32 + 4 + view.getUint32(32, true);
      const old = new TextDecoder().decode(plan.subarray(at + 4, at + 4 + view.getUint32(at, true)));
      expect(old.length).toBe(arch.length);
      plan.set(new TextEncoder().encode(arch), at + 4);
      return { kind: s.kind, bytes: reseal(plan) };
    }),
  );
}

describeIf(CUDA, 'saved models on cuda', NO_CUDA, () => {
  const cases: Array<[string, string, Parameters<typeof compile>[1]]> = [
    ['resnet_mini fp32', resnet, { inputs: { input: [2, 3, 64, 64] } }],
    ['resnet_mini fp16', resnet, { inputs: { input: [2, 3, 64, 64] }, precisions: ['fp16'] }],
    [
      'resnet_mini fp16, batch 1..4',
      resnet,
      { inputs: { input: { min: [1, 3, 64, 64], opt: [2, 3, 64, 64], max: [4, 3, 64, 64] } }, precisions: ['fp16'] },
    ],
    ['transformer_block fp32', transformer, { inputs: { hidden_states: [1, 16, 64] } }],
    [
      'transformer_block fp32, batch 1..3 x sequence 1..40',
      transformer,
      { inputs: { hidden_states: { min: [1, 1, 64], opt: [2, 16, 64], max: [3, 40, 64] } } },
    ],
  ];
  for (const [name, model, options] of cases) {
    it(`${name}: save -> load -> run equals compile -> run bit for bit`, async () => {
      const compiled = await compile(model, { backend: 'cuda', ...options });
      const file = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '_')}.hybrid`);
      await compiled.save(file);
      const loaded = await load(file);
      try {
        expect(loaded.backend).toBe('cuda');
        expect(loaded.report.engines.map((e) => e.layers)).toEqual(compiled.report.engines.map((e) => e.layers));
        await expectSameRuns(compiled, loaded);
      } finally {
        await loaded.dispose();
        await compiled.dispose();
      }
    });
  }

  it('a cuda file where no GPU is visible is refused, saying what it was built for', async () => {
    const m = await compile(resnet, { backend: 'cuda', inputs: { input: [1, 3, 64, 64] } });
    const file = path.join(dir, 'no-gpu.hybrid');
    await m.save(file);
    await m.dispose();
    const script = `import { load } from ${JSON.stringify(path.join(root, 'src', 'index.ts'))};
      try { await load(${JSON.stringify(file)}); console.log('loaded'); } catch (e) { console.log(e.code + ' ' + e.message); }`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, CUDA_VISIBLE_DEVICES: '' },
    });
    expect(stdout).toMatch(/^PLAN .*no-gpu\.hybrid: built for cuda \(.*\), this machine has cpu only: /);
  });

  it('a plan built for another GPU architecture is refused naming both, and rebuilt from an embedded source', async () => {
    const m = await compile(resnet, { backend: 'cuda', inputs: { input: [1, 3, 64, 64] } });
    try {
      const here = deviceQuery('cuda').arch;
      const other = here === 'sm_80' ? 'sm_86' : 'sm_80';
      await expect(load(withArch(await m.toBytes(), other))).rejects.toMatchObject({
        code: 'PLAN',
        message: expect.stringMatching(new RegExp(`engine segment \\d+: plan: built for cuda architecture '${other}'; this device is 'sm_\\d+'`)),
      });
      const logs: string[] = [];
      const rebuilt = await load(withArch(await m.toBytes({ embedSource: true }), other), { rebuild: 'if-needed', onLog: (s) => logs.push(s) });
      try {
        expect(logs.join('\n')).toMatch(/compiling it again from the embedded source model/);
        expect(rebuilt.backend).toBe('cuda');
        const feeds = { input: sine([1, 3, 64, 64]) };
        const [a, b] = [await m.run(feeds), await rebuilt.run(feeds)];
        // A rebuild times its tactics afresh and may choose others: equal within fp32 rounding.
        expect(relativeError(b.logits!, a.logits!)).toBeLessThan(1e-5);
      } finally {
        await rebuilt.dispose();
      }
    } finally {
      await m.dispose();
    }
  });
});
