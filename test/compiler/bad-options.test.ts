/**
 * compile() and run() given what they should refuse, or survive: unbounded numeric options,
 * shapes too large to allocate, ModelProto objects that are not whole models, files that are
 * not files, a user callback that throws, feeds in shared memory. Each must end in a
 * HybridError naming what is wrong (or, for the last, just work), never a TypeError, a hang or
 * an exhausted process.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { loadModelProto } from '../../src/onnx/model.js';
import { ModelProtoType } from '../../src/onnx/schema.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { resnet, sine } from '../runtime/helpers.js';
import { rejection } from '../helpers/errors.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-bad-options-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const inputs = { input: [1, 3, 64, 64] };

describeIf(HAS_NATIVE, 'compile() and run() on bad options and inputs', NATIVE_MISSING, () => {
  it('bounds threads and maxContexts (10000 threads used to hang onnxruntime, 1e9 ended in std::bad_alloc)', async () => {
    for (const threads of [10000, 1e9, 0, 1.5]) {
      const e = await rejection(compile(resnet, { inputs, threads }));
      expect(e.code).toBe('OPTION');
      expect(e.message).toMatch(/^threads must be an integer from 1 to 256/);
    }
    expect((await rejection(compile(resnet, { inputs, maxContexts: 1e6 }))).message).toMatch(/^maxContexts must be an integer from 1 to 256/);
  });

  it('refuses an input shape too large to allocate, naming the input, before any work', async () => {
    const e = await rejection(compile(resnet, { inputs: { input: [1e12, 3, 64, 64] } }));
    expect(e.code).toBe('OPTION');
    expect(e.message).toMatch(/^inputs: 'input': \[1000000000000,3,64,64\] has 12288000000000000 elements, more than/);
  });

  it('refuses a value the model computes too large to allocate, naming it and its node, at compile (static and over a range)', async () => {
    // A 1x1 input expanded to [2^21, 2^20]: 2^41 elements, over the 2^40 any tensor may have
    // (whatever the machine's memory).
    const model = buildModel({
      inputs: [{ name: 'x', shape: ['n', 1] }],
      outputs: [{ name: 'y' }],
      initializers: { target: { dtype: 'int64', dims: [2], data: BigInt64Array.from([2097152n, 1048576n]) } },
      nodes: [
        { op: 'Expand', inputs: ['x', 'target'], outputs: ['big'], name: 'blow_up' },
        { op: 'ReduceSum', inputs: ['big'], outputs: ['y'], attrs: { keepdims: 0 } },
      ],
      opset: 13,
    });
    const tooLarge =
      /value 'big' \(output of Expand node 'blow_up'\) at its input shapes: \[2097152,1048576\] has 2199023255552 elements, more than the 1099511627776 \(2\^40\) a tensor may have/;
    const fixed = await rejection(compile(model, { inputs: { x: [1, 1] } }));
    expect(fixed.code).toBe('SHAPE');
    expect(fixed.message).toMatch(tooLarge);
    // Over a range the values are checked at each end of the profile: [2^21, n, 2^20] for n
    // in 1..2 has 2^41 to 2^42 elements.
    const wide = buildModel({
      inputs: [{ name: 'x', shape: ['n', 1] }],
      outputs: [{ name: 'y' }],
      initializers: { target: { dtype: 'int64', dims: [3], data: BigInt64Array.from([2097152n, 1n, 1048576n]) } },
      nodes: [
        { op: 'Expand', inputs: ['x', 'target'], outputs: ['big'], name: 'blow_up' },
        { op: 'ReduceSum', inputs: ['big'], outputs: ['y'], attrs: { keepdims: 0 } },
      ],
      opset: 13,
    });
    const ranged = await rejection(compile(wide, { inputs: { x: { min: [1, 1], opt: [1, 1], max: [2, 1] } } }));
    expect(ranged.code).toBe('SHAPE');
    expect(ranged.message).toMatch(
      /value 'big' \(output of Expand node 'blow_up'\) at input shapes x \[1,1\]: \[2097152,1,1048576\] has 2199023255552 elements/,
    );
  });

  it('takes a ModelProto object only when it is a whole model with its data loaded', async () => {
    const e = await rejection(compile({ graph: {} } as never));
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.message).toContain('no ir_version');
    const bad = await rejection(compile({ irVersion: 8, graph: { node: 'x' } } as never));
    expect(bad.code).toBe('MODEL_INVALID');
    // External data left unloaded would be read by onnxruntime relative to the working folder.
    const proto = loadModelProto(resnet);
    const t = proto.graph!.initializer[0]!;
    t.dataLocation = 1;
    t.externalData = [{ key: 'location', value: 'weights.bin' } as never];
    const ext = await rejection(compile(proto, { inputs }));
    expect(ext.code).toBe('EXTERNAL_DATA');
    expect(ext.message).toMatch(/keeps its data in an external file that was not loaded; pass the model's path/);
    // A plain object that is a whole model is taken.
    const plain = ModelProtoType.toObject(
      ModelProtoType.fromObject(
        buildModel({ inputs: [{ name: 'x', shape: [2] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] }),
      ),
    );
    const m = await compile(plain as never, { backend: 'cpu' });
    await m.dispose();
  });

  it('refuses files that are not files as models: a device, a FIFO, a folder', async () => {
    const zero = await rejection(compile('/dev/zero'));
    expect(zero.code).toBe('MODEL_LOAD');
    expect(zero.message).toBe('/dev/zero: cannot read model (not a regular file: a device, FIFO or socket)');
    const fifo = path.join(dir, 'model.fifo');
    execFileSync('mkfifo', [fifo]);
    expect((await rejection(compile(fifo))).message).toBe(`${fifo}: cannot read model (not a regular file: a device, FIFO or socket)`);
    expect((await rejection(compile(dir))).message).toBe(`${dir}: cannot read model (is a directory)`);
  });

  it("throws an onProgress callback's own error, instead of reporting an engine that could not be built", async () => {
    const mine = new Error('my progress bar broke');
    const logs: string[] = [];
    await expect(
      compile(resnet, {
        inputs,
        backend: 'cpu',
        onProgress: (phase) => {
          if (phase === 'build') throw mine;
        },
        onLog: (m) => logs.push(m),
      }),
    ).rejects.toBe(mine);
    expect(logs.join('\n')).not.toContain('could not be built');
  });

  it('runs feeds that live in a SharedArrayBuffer, and counts refused runs as failed', async () => {
    const m = await compile(resnet, { inputs, backend: 'cpu', threads: 1 });
    try {
      const x = sine([1, 3, 64, 64]);
      const shared = new Float32Array(new SharedArrayBuffer((x.data as Float32Array).byteLength));
      shared.set(x.data as Float32Array);
      const a = await m.run({ input: x });
      const b = await m.run({ input: shared });
      expect(Array.from(b.logits!.data as Float32Array)).toEqual(Array.from(a.logits!.data as Float32Array));
      await expect(m.run({ input: new Float32Array(3) })).rejects.toMatchObject({ code: 'INPUT' });
      expect(m.stats).toMatchObject({ runs: 2, failedRuns: 1 });
    } finally {
      await m.dispose();
    }
  });
  it('never hands onnxruntime a node that crashes it (InstanceNormalization of an empty tensor), and runs it on an engine', async () => {
    const model = buildModel({
      inputs: [{ name: 'x', shape: [1, 2, 0, 4] }],
      outputs: [{ name: 'y' }],
      initializers: {
        s: { dtype: 'float32', dims: [2], data: Float32Array.of(1, 1) },
        b: { dtype: 'float32', dims: [2], data: Float32Array.of(0, 0) },
      },
      nodes: [{ op: 'InstanceNormalization', inputs: ['x', 's', 'b'], outputs: ['y'] }],
    });
    const forced = await rejection(compile(model, { backend: 'cpu', minBlockSize: 0, fallbackOps: ['InstanceNormalization'] }));
    expect(forced.code).toBe('SHAPE');
    expect(forced.message).toMatch(
      /cannot run on onnxruntime: node '.*' \(InstanceNormalization\) reads an empty tensor, which crashes onnxruntime's kernel$/,
    );
    const m = await compile(model, { backend: 'cpu', minBlockSize: 0 });
    try {
      const out = await m.run({ x: new Float32Array(0) });
      expect(out.y!.dims).toEqual([1, 2, 0, 4]);
    } finally {
      await m.dispose();
    }
  });
});
