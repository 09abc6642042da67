/**
 * The custom-op converter of docs/converters.md, verbatim (the test checks the doc still shows
 * exactly this code): registered through the public API, it makes com.example::Swish
 * convertible, and the layers it emits compute x * sigmoid(beta * x).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSegmentNetwork } from '../../converters/segment-network.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { evalNetwork } from './helpers/eval-network.js';
import { random, validateNode } from './helpers/harness.js';
import { defaultRegistry } from '../../converters/index.js';
// --- example start
import { type Converter, registerConverter } from '../../src/index.js';

// com.example::Swish(x) = x * sigmoid(beta * x), beta a float attribute (default 1).
const swish: Converter = {
  opType: 'Swish',
  domain: 'com.example',
  sinceVersion: 1,
  validate(node, ctx) {
    const t = ctx.type(node.inputs[0] ?? '');
    if (t?.dtype !== 'float32') return { ok: false, reason: `Swish: dtype ${t?.dtype ?? 'unknown'} is not supported; use float32` };
    if (!t.shape?.every((d) => typeof d === 'number')) return { ok: false, reason: 'Swish: the input shape is not static; give it with --shape' };
    return { ok: true };
  },
  convert(node, ctx, net) {
    const beta = node.attributes.find((a) => a.name === 'beta')?.f ?? 1;
    const x = ctx.input(node, 0);
    const b = net.constant({ dtype: 'float32', dims: [], data: Float32Array.of(beta) }, `${node.name}/beta`);
    const [bx] = net.add('elementwise', [x, b], { op: 'mul' }, `${node.name}/scale`);
    const [gate] = net.add('unary', [bx!], { op: 'sigmoid' }, `${node.name}/sigmoid`);
    const [y] = net.add('elementwise', [x, gate!], { op: 'mul' }, node.name);
    ctx.setOutput(node, 0, y!);
  },
};

registerConverter(swish);
// --- example end

const DOC = path.resolve(import.meta.dirname, '..', '..', 'docs', 'converters.md');

describe('the custom-op example of docs/converters.md', () => {
  it('is the code the doc shows', () => {
    const source = fs.readFileSync(import.meta.filename, 'utf8');
    const example = source.split('// --- example start\n')[1]!.split('// --- example end')[0]!.replace("'../../src/index.js'", "'hybridrt'");
    expect(fs.readFileSync(DOC, 'utf8')).toContain(example.trim());
  });

  it('makes the custom op convertible, computing x * sigmoid(beta * x)', () => {
    const graph = buildGraph({
      opsets: { 'com.example': 1 },
      inputs: [{ name: 'x', shape: [2, 5] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [2, 5] }],
      nodes: [{ op: 'Swish', domain: 'com.example', name: 'swish', inputs: ['x'], outputs: ['y'], attrs: { beta: { float: 1.5 } } }],
    });
    expect(defaultRegistry().lookup('Swish', 'com.example', 1)).toBe(swish);
    expect(validateNode(graph)).toEqual({ ok: false, reason: 'no converter for Swish at opset 1' }); // the test registry is the built-in one
    const net = buildSegmentNetwork(graph, ['swish'], { inputs: ['x'], outputs: ['y'] });
    const x = random('float32', [2, 5], 3, -4, 4);
    const y = evalNetwork(net, { x }).y!;
    const want = Array.from(x.data as Float32Array, (v) => v / (1 + Math.exp(-1.5 * v)));
    y.data.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });
});
