/**
 * ScatterND (opsets 11, 13, 16 and 18) and ScatterElements (11, 13, 16, 18; Scatter 9 and 10,
 * its former name) -> one `scatter` layer (native/layers/scatter.h): a copy of the data with
 * the updates written, or combined by `reduction` (16+: add, mul; 18+: max, min), where the
 * indices say, in the updates' order, as onnxruntime applies them. Negative indices count from
 * the end; constant indices are range-checked here, run-time ones by the layer.
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';

type Reduction = 'none' | 'add' | 'mul' | 'max' | 'min';
interface Plan {
  axis: number;
  reduction: Reduction;
}

function readReduction(v: NodeView, sinceVersion: number): Reduction {
  if (sinceVersion < 16) return 'none';
  const allowed: Reduction[] = sinceVersion >= 18 ? ['none', 'add', 'mul', 'max', 'min'] : ['none', 'add', 'mul'];
  const r = v.choice('reduction', 'none', allowed);
  if (r !== 'none') v.dtype(0, ['float32', 'float16', 'bfloat16', 'int32', 'int64']);
  return r;
}

function scatterNd(sinceVersion: number): Converter {
  return defineConverter<Plan>({
    opType: 'ScatterND',
    sinceVersion,
    notes: 'Index tuples of at most 8; reductions on float32, float16, bfloat16, int32 and int64; constant indices are range-checked.',
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      v.dtype(1, ['int64']);
      v.check(v.in(2).dtype === v.in(0).dtype, () => `updates are ${v.in(2).dtype}, data ${v.in(0).dtype}`);
      const [data, idx, upd] = [v.in(0).shape, v.in(1).shape, v.in(2).shape];
      const k = idx[idx.length - 1] ?? 0;
      v.check(
        idx.length >= 1 && k >= 1 && k <= data.length && k <= 8,
        () => `indices [${idx}] into data [${data}]: the tuple length must be 1 to ${Math.min(data.length, 8)}`,
      );
      const expected = [...idx.slice(0, -1), ...data.slice(k)];
      v.check(upd.join() === expected.join(), () => `updates [${upd}] are not [${expected}]`);
      v.constIndices(1, (p) => [p % k, data[p % k]!]);
      return { axis: 0, reduction: readReduction(v, sinceVersion) };
    },
    emit(e, p) {
      e.output(0, e.add('scatter', [e.input(0), e.input(1), e.input(2)], { mode: 'nd', ...p }));
    },
  });
}

function scatterElements(opType: 'Scatter' | 'ScatterElements', sinceVersion: number): Converter {
  return defineConverter<Plan>({
    opType,
    sinceVersion,
    notes: 'int64 indices; reductions on float32, float16, bfloat16, int32 and int64; constant indices are range-checked.',
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      v.dtype(1, ['int64']);
      v.check(v.in(2).dtype === v.in(0).dtype, () => `updates are ${v.in(2).dtype}, data ${v.in(0).dtype}`);
      const [data, idx, upd] = [v.in(0).shape, v.in(1).shape, v.in(2).shape];
      v.check(
        data.length >= 1 && idx.length === data.length && idx.join() === upd.join(),
        () => `data [${data}], indices [${idx}] and updates [${upd}] do not fit`,
      );
      const axis = v.axis(v.int('axis', 0), data.length);
      // Off the axis only, as onnxruntime checks: along it any number of updates may land.
      v.check(
        idx.every((d, i) => i === axis || d <= data[i]!),
        () => `indices [${idx}] are larger than data [${data}] off the axis`,
      );
      v.constIndices(1, () => [axis, data[axis]!]);
      return { axis, reduction: readReduction(v, sinceVersion) };
    },
    emit(e, p) {
      e.output(0, e.add('scatter', [e.input(0), e.input(1), e.input(2)], { mode: 'elements', ...p }));
    },
  });
}

export const scatterConverters: Converter[] = [
  scatterElements('Scatter', 9),
  scatterElements('Scatter', 11),
  ...[11, 13, 16, 18].map((v) => scatterElements('ScatterElements', v)),
  ...[11, 13, 16, 18].map(scatterNd),
];
