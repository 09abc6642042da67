/**
 * Pooling: MaxPool and AveragePool -> one `pooling` layer with every attribute resolved
 * (explicit pads, ceil mode, dilations, count_include_pad); GlobalAveragePool and
 * GlobalMaxPool -> a `reduce` over the spatial dims, kept as size 1.
 * Later opsets only added attributes whose defaults keep the earlier meaning (ceil_mode,
 * dilations, count_include_pad), so one converter per op covers all opsets. MaxPool's
 * Indices output (opset 8+) is not something the layer produces: such nodes are rejected.
 */
import { poolingDTypes, reduceDTypes } from '../src/engine/layer-dtypes.js';
import type { ParamsOf } from '../src/engine/builder.js';
import { defineConverter } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';
import { autoPad, forwardWindow, perDim } from './window.js';

function poolPlan(v: NodeView, mode: 'max' | 'average'): ParamsOf<'pooling'> {
  v.dtype(0, poolingDTypes(mode));
  const x = v.in(0);
  const n = x.shape.length - 2;
  v.check(n >= 1 && n <= 3, () => `X has rank ${x.shape.length}; engines pool 1 to 3 spatial dims (rank 3 to 5)`);
  v.check(v.hasAttr('kernel_shape'), () => 'kernel_shape is missing');
  const kernel = perDim(v, 'kernel_shape', n, 1, 1);
  const spatial = x.shape.slice(2);
  const win = forwardWindow(v, spatial, kernel);
  // SAME_* already sizes the output as ceil(in / stride); ceil_mode does not apply on top.
  const same = autoPad(v).startsWith('SAME');
  const ceilMode = !same && v.int('ceil_mode', 0) !== 0;
  for (let d = 0; d < n; d++) {
    v.check(
      win.padsBegin[d]! < kernel[d]! && win.padsEnd[d]! < kernel[d]!,
      () => `pads [${[...win.padsBegin, ...win.padsEnd]}] must be smaller than kernel_shape [${kernel}]`,
    );
  }
  return { mode, ...win, ceilMode, countIncludePad: mode === 'average' && v.int('count_include_pad', 0) !== 0 };
}

const maxPool = defineConverter<ParamsOf<'pooling'>>({
  opType: 'MaxPool',
  sinceVersion: 1,
  notes: `No Indices output; 1 to 3 spatial dims; dtypes ${poolingDTypes('max').join(', ')}.`,
  plan(v) {
    v.check(!v.hasOutput(1), () => 'the Indices output is not supported (engines compute the pooled values only); leave it unused');
    return poolPlan(v, 'max');
  },
  emit(e, p) {
    e.output(0, e.add('pooling', [e.input(0)], p));
  },
});

const averagePool = defineConverter<ParamsOf<'pooling'>>({
  opType: 'AveragePool',
  sinceVersion: 1,
  notes: `1 to 3 spatial dims; dtypes ${poolingDTypes('average').join(', ')}.`,
  plan: (v) => poolPlan(v, 'average'),
  emit(e, p) {
    e.output(0, e.add('pooling', [e.input(0)], p));
  },
});

function globalPool(opType: string, op: 'mean' | 'max'): Converter {
  return defineConverter<number[]>({
    opType,
    sinceVersion: 1,
    notes: `Rank >= 3; dtypes ${reduceDTypes(op).join(', ')}.`,
    plan(v) {
      v.dtype(0, reduceDTypes(op));
      const rank = v.in(0).shape.length;
      v.check(rank >= 3, () => `X has rank ${rank}; expected (N, C, spatial...)`);
      return Array.from({ length: rank - 2 }, (_, i) => i + 2);
    },
    emit(e, axes) {
      e.output(0, e.add('reduce', [e.input(0)], { op, axes, keepDims: true }));
    },
  });
}

export const poolConverters: Converter[] = [averagePool, globalPool('GlobalAveragePool', 'mean'), globalPool('GlobalMaxPool', 'max'), maxPool];
