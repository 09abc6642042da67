/**
 * Matrix products -> one `matmul` layer: MatMul (numpy semantics, batch dims broadcast) and
 * Gemm (2-D, transA/transB, alpha, beta, C broadcast to the output). Gemm's `broadcast`
 * attribute (before opset 7) with value 0 requires C of exactly the output's shape; C became
 * optional in opset 11 (absent: beta is resolved to 0).
 */
import { FLOAT_DTYPES } from '../src/engine/layer-dtypes.js';
import { broadcastShapes, sameShape } from '../src/engine/shape-math.js';
import type { ParamsOf } from '../src/engine/builder.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

const gemm = defineConverter<ParamsOf<'matmul'>>({
  opType: 'Gemm',
  sinceVersion: 1,
  notes: `2-D A and B; C broadcastable to the output; dtypes ${FLOAT_DTYPES.join(', ')}.`,
  plan(v) {
    const dtype = v.dtype(0, FLOAT_DTYPES);
    const a = v.in(0);
    const b = v.in(1);
    v.check(b.dtype === dtype, () => `B has dtype ${b.dtype}, A ${dtype}`);
    v.check(a.shape.length === 2 && b.shape.length === 2, () => `A [${a.shape}] and B [${b.shape}] must be matrices`);
    const transA = v.int('transA', 0) !== 0;
    const transB = v.int('transB', 0) !== 0;
    const [m, ka] = transA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
    const [kb, n] = transB ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
    v.check(ka === kb, () => `inner dimensions differ: A [${a.shape}]${transA ? ' transposed' : ''}, B [${b.shape}]${transB ? ' transposed' : ''}`);
    let beta = v.float('beta', 1);
    if (v.has(2)) {
      const c = v.in(2);
      v.check(c.dtype === dtype, () => `C has dtype ${c.dtype}, A ${dtype}`);
      const bc = broadcastShapes([m, n], c.shape);
      v.check(bc !== undefined && sameShape(bc, [m, n]), () => `C [${c.shape}] does not broadcast to the output [${m},${n}]`);
      if (v.opset < 7 && v.int('broadcast', 0) === 0) {
        v.check(sameShape(c.shape, [m, n]), () => `broadcast=0 needs C of shape [${m},${n}], got [${c.shape}]`);
      }
    } else {
      beta = 0;
    }
    return { transA, transB, alpha: v.float('alpha', 1), beta };
  },
  emit(e, p) {
    const inputs = [e.input(0), e.input(1)];
    if (e.node.inputs[2]) inputs.push(e.input(2));
    e.output(0, e.add('matmul', inputs, p));
  },
});

const matmul = defineConverter<null>({
  opType: 'MatMul',
  sinceVersion: 1,
  notes: `Dtypes ${FLOAT_DTYPES.join(', ')}.`,
  plan(v) {
    const dtype = v.dtype(0, FLOAT_DTYPES);
    const a = v.in(0);
    const b = v.in(1);
    v.check(b.dtype === dtype, () => `B has dtype ${b.dtype}, A ${dtype}`);
    v.check(a.shape.length >= 1 && b.shape.length >= 1, () => 'scalars cannot be multiplied as matrices');
    const k = (s: number[], last: boolean) => (s.length === 1 ? s[0] : s[s.length - (last ? 1 : 2)]);
    v.check(k(a.shape, true) === k(b.shape, false), () => `inner dimensions differ: A [${a.shape}], B [${b.shape}]`);
    const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
    v.check(batch !== undefined, () => `batch dims of A [${a.shape}] and B [${b.shape}] do not broadcast`);
    return null;
  },
  emit(e) {
    e.output(0, e.add('matmul', [e.input(0), e.input(1)], { transA: false, transB: false, alpha: 1, beta: 0 }));
  },
});

export const matmulConverters: Converter[] = [gemm, matmul];
