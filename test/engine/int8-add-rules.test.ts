/**
 * The int8 add's params (native/layers/quant_add.cc CheckQuantAdd, with the rules every int8
 * form's params follow: quant_form.h ZeroPointInRange, GoodQuantScale, IsInt8Type): each zero
 * point within its tensor's type, each scale finite and > 0 as a float32, int8 or uint8
 * tensors, op add, relu or no activation. A network breaking one is refused naming the layer
 * and the param; the same network within the rules builds.
 */
import { describe, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import { buildEngine } from '../../src/engine/engine.js';
import type { NetworkDefinition } from '../../src/engine/network.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { NetDraft } from './helpers/net.js';

type QType = 'int8' | 'uint8' | 'float32';

interface Spec {
  a?: QType;
  b?: QType;
  y?: QType;
  op?: string;
  activation?: Record<string, unknown>;
  quant?: Record<string, unknown>;
}

const BASE = { inputScale: 0.05, inputZeroPoint: 3, input1Scale: 0.1, input1ZeroPoint: -4, outputScale: 0.2, outputZeroPoint: 1 };

/** a [2, 3] + b [1, 3] -> y [2, 3], the int8 add's params. */
function addNet(s: Spec = {}): NetworkDefinition {
  const d = new NetDraft('int8-add-rules');
  const a = d.input('a', s.a ?? 'int8', [2, 3]);
  const b = d.input('b', s.b ?? 'int8', [1, 3]);
  const params = { op: s.op ?? 'add', quant: { ...BASE, ...s.quant }, ...(s.activation ? { activation: s.activation } : {}) };
  const [y] = d.layer('elementwise', 'qadd', [a, b], params, [{ dtype: s.y ?? 'int8', shape: [2, 3] }]);
  d.output(y!);
  return d.finish();
}

async function refused(net: NetworkDefinition, ...fragments: string[]): Promise<void> {
  const err = await buildEngine(net, { backend: 'cpu' }).then(
    (e) => (e.dispose(), undefined),
    (e: unknown) => e,
  );
  expect(err, 'the network was accepted').toBeInstanceOf(HybridError);
  for (const f of ["layer 'qadd'", ...fragments]) expect((err as HybridError).message).toContain(f);
}

describeIf(HAS_NATIVE, "the int8 add's params", NATIVE_MISSING, () => {
  it('a network within the rules builds (int8 and uint8 at the ends of their ranges, relu)', async () => {
    for (const net of [
      addNet(),
      addNet({ a: 'uint8', y: 'uint8', quant: { inputZeroPoint: 255, outputZeroPoint: 0 }, activation: { op: 'relu' } }),
      addNet({ quant: { inputZeroPoint: -128, input1ZeroPoint: 127, outputZeroPoint: -128 } }),
    ]) {
      (await buildEngine(net, { backend: 'cpu' })).dispose();
    }
  });

  describe('refused', () => {
    const cases: Array<[string, Spec, string]> = [
      ["a's zero point outside int8", { quant: { inputZeroPoint: 128 } }, "'quant.inputZeroPoint' is 128, outside int8"],
      ["b's zero point outside uint8", { b: 'uint8', quant: { input1ZeroPoint: -1 } }, "'quant.input1ZeroPoint' is -1, outside uint8"],
      ["y's zero point outside int8", { quant: { outputZeroPoint: -129 } }, "'quant.outputZeroPoint' is -129, outside int8"],
      ['a scale of 0', { quant: { input1Scale: 0 } }, 'finite float32 values > 0'],
      ['a negative scale', { quant: { outputScale: -0.5 } }, 'finite float32 values > 0'],
      ['a scale beyond float32', { quant: { inputScale: 1e39 } }, 'finite float32 values > 0'],
      ['a scale that is 0 as a float32', { quant: { inputScale: 1e-46 } }, 'finite float32 values > 0'],
      ['a float32 operand', { b: 'float32' }, 'the int8 add reads int8 or uint8'],
      ['a float32 output', { y: 'float32' }, 'the int8 add makes int8 or uint8'],
      ['another op', { op: 'mul' }, 'the int8 form is an add'],
      ['another activation', { activation: { op: 'sigmoid' } }, "the int8 add's activation is relu or none"],
    ];
    for (const [what, spec, fragment] of cases) it(what, () => refused(addNet(spec), fragment));
  });
});
