/**
 * GatherND (opsets 11, 12 with batch_dims, 13) -> one `gather` layer in mode 'nd' with
 * axis = batch_dims (native/layers/gather_nd.h): each index tuple of the indices' last dim
 * picks a slice of the data. Negative indices count from the end (onnxruntime takes them);
 * constant indices are range-checked here, run-time ones by the layer.
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

function gatherNd(sinceVersion: number): Converter {
  return defineConverter<number>({
    opType: 'GatherND',
    sinceVersion,
    notes: 'Index tuples of at most 8 (the last dim of the indices); constant indices are range-checked.',
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      v.dtype(1, ['int64']);
      const [data, idx] = [v.in(0).shape, v.in(1).shape];
      const b = sinceVersion >= 12 ? v.int('batch_dims', 0) : 0;
      v.check(idx.length >= 1 && data.length >= 1, () => 'data and indices must have rank 1 or more');
      v.check(b >= 0 && b < Math.min(data.length, idx.length), () => `batch_dims ${b} must be below both ranks`);
      const k = idx[idx.length - 1]!;
      v.check(k >= 1 && k <= data.length - b && k <= 8, () => `the indices' last dim is ${k}; expected 1 to ${Math.min(data.length - b, 8)}`);
      v.constIndices(1, (p) => [b + (p % k), data[b + (p % k)]!]);
      return b;
    },
    emit(e, batchDims) {
      e.output(0, e.add('gather', [e.input(0), e.input(1)], { axis: batchDims, mode: 'nd' }));
    },
  });
}

export const gatherNdConverters: Converter[] = [gatherNd(11), gatherNd(12), gatherNd(13)];
