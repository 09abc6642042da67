/**
 * DepthToSpace and SpaceToDepth -> two `shuffle` layers each: a reshape that splits the moved
 * dims then a transpose (one shuffle: reshape + secondPerm), and a reshape that merges them.
 * The batch is -1 in both targets, so the layers hold for any batch of a dynamic engine.
 *
 *   DepthToSpace DCR: [N, C, H, W] -> [N, b, b, C/b², H, W] -> perm 0,3,4,1,5,2 -> [N, C/b², H·b, W·b]
 *   DepthToSpace CRD: [N, C, H, W] -> [N, C/b², b, b, H, W] -> perm 0,1,4,2,5,3 -> same
 *   SpaceToDepth:     [N, C, H, W] -> [N, C, H/b, b, W/b, b] -> perm 0,3,5,1,2,4 -> [N, C·b², H/b, W/b]
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import type { TensorRef } from '../src/engine/builder.js';
import { type Emitter, defineConverter } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';

interface Plan {
  split: number[];
  perm: number[];
  merged: number[];
}

/** A rank-4 block rearrangement: the checks both ops share, then `layout` of [C, H, W] and the blocksize. */
function blockOp(opType: string, notes: string, layout: (v: NodeView, c: number, h: number, w: number, b: number) => Plan): Converter {
  return defineConverter<Plan>({
    opType,
    sinceVersion: 1,
    notes,
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      const shape = v.in(0).shape;
      v.check(shape.length === 4, () => `input [${shape}] must be [N, C, H, W]`);
      const [, c, h, w] = shape as [number, number, number, number];
      return layout(v, c, h, w, v.int('blocksize', 0));
    },
    emit(e, p) {
      e.output(0, moved(e, p));
    },
  });
}

const depthToSpace = blockOp('DepthToSpace', 'Rank 4; DCR and (from opset 11) CRD modes; any engine dtype.', (v, c, h, w, b) => {
  v.check(b >= 1 && c % (b * b) === 0, () => `blocksize ${b} must divide C = ${c} as blocksize²`);
  const cb = c / (b * b);
  return v.choice('mode', 'DCR', ['DCR', 'CRD']) === 'DCR'
    ? { split: [-1, b, b, cb, h, w], perm: [0, 3, 4, 1, 5, 2], merged: [-1, cb, h * b, w * b] }
    : { split: [-1, cb, b, b, h, w], perm: [0, 1, 4, 2, 5, 3], merged: [-1, cb, h * b, w * b] };
});

const spaceToDepth = blockOp('SpaceToDepth', 'Rank 4; any engine dtype.', (v, c, h, w, b) => {
  v.check(b >= 1 && h % b === 0 && w % b === 0, () => `blocksize ${b} must divide H = ${h} and W = ${w}`);
  return { split: [-1, c, h / b, b, w / b, b], perm: [0, 3, 5, 1, 2, 4], merged: [-1, c * b * b, h / b, w / b] };
});

function moved(e: Emitter, p: Plan): TensorRef {
  const x = e.input(0);
  // An empty batch has no elements to infer -1 from: explicit targets then.
  const empty = x.shape.some((d) => d === 0);
  const fix = (t: number[]) => (empty ? [x.shape[0]!, ...t.slice(1)] : t);
  const split = e.add('shuffle', [x], { reshape: fix(p.split), secondPerm: p.perm }, 'split');
  return e.add('shuffle', [split], { reshape: fix(p.merged) });
}

export const depthSpaceConverters: Converter[] = [depthToSpace, spaceToDepth];
