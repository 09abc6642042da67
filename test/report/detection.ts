/**
 * A synthetic graph of exactly `total` nodes shaped like a detection model, for the HTML
 * report at scale (O = a converter accepts it, X = NonZero, no converter):
 *
 *   x -> backbone: stages of residual blocks  c(O) -> r(O) -> add(O, block input)
 *        with an X every `cutEvery` nodes (a skip connection may jump over it: an engine to
 *        engine edge), one stage per pyramid level
 *     -> FPN: a lateral l(O) per level, top-down p(O, lateral, coarser p)
 *     -> heads per level: a class chain and a box chain of `depth` O nodes, the box chain
 *        ending in a decode X
 *     -> post: sum(O) of every class head, nms(X) of every decoded box head -> dets, scores
 *
 * Every value is float32 [1, C, H, W] with C doubling and H, W halving per level, so boundary
 * tensors have known bytes (level 0: [1,8,32,32], 32 KiB).
 */
import { registryVerdict } from '../../converters/verdict.js';
import type { Graph } from '../../src/ir/graph.js';
import { partition } from '../../src/partition/index.js';
import { buildReport, type ReportData } from '../../src/report/index.js';
import { dag, testRegistry } from '../partition/helpers.js';

type Row = [string, string, string[]];

function shapeOf(level: number): number[] {
  return [1, 8 << level, 32 >> level, 32 >> level];
}

export function detectionGraph(total: number): Graph {
  const levels = total < 50 ? 2 : total < 500 ? 3 : 5;
  const depth = total < 50 ? 1 : total < 500 ? 3 : 8;
  const heads = levels * 2 * depth;
  const fpn = 2 * levels - 1;
  const post = 2;
  const backbone = total - heads - fpn - post;
  if (backbone < levels * 2) throw new Error(`detectionGraph: ${total} nodes are too few`);
  const cutEvery = total < 50 ? 5 : total < 500 ? 9 : 23;
  const rows: Row[] = [];
  const level = new Map<string, number>();
  const add = (name: string, kind: string, inputs: string[], l: number) => {
    rows.push([name, kind, inputs]);
    level.set(name, l);
    return name;
  };

  let prev = 'x';
  const features: string[] = [];
  let made = 0;
  for (let l = 0; l < levels; l++) {
    const count = Math.floor(backbone / levels) + (l < backbone % levels ? 1 : 0);
    let blockIn = prev;
    for (let j = 0; j < count; j++, made++) {
      const name = `s${l}_${j}`;
      if (made % cutEvery === cutEvery - 1) prev = add(name, 'X', [prev], l);
      else if (j % 3 === 0) {
        blockIn = prev;
        prev = add(name, 'O', [prev], l);
      } else if (j % 3 === 1) prev = add(name, 'O', [prev], l);
      else prev = add(name, 'O', [prev, blockIn], l);
    }
    features.push(prev);
  }

  const pyramid: string[] = [];
  for (let l = levels - 1; l >= 0; l--) {
    const lat = add(`fpn_l${l}`, 'O', [features[l]!], l);
    pyramid[l] = l === levels - 1 ? lat : add(`fpn_p${l}`, 'O', [lat, pyramid[l + 1]!], l);
  }

  const classes: string[] = [];
  const boxes: string[] = [];
  for (let l = 0; l < levels; l++) {
    let c = pyramid[l]!;
    let b = pyramid[l]!;
    for (let k = 0; k < depth; k++) c = add(`head${l}_cls${k}`, 'O', [c], l);
    for (let k = 0; k < depth; k++) b = add(`head${l}_box${k}`, k === depth - 1 ? 'X' : 'O', [b], l);
    classes.push(c);
    boxes.push(b);
  }
  add('scores', 'O', classes, 0);
  add('dets', 'X', [...boxes, 'scores'], 0);

  const g = dag({ inputs: ['x'], outputs: ['dets', 'scores'], shape: shapeOf(0), nodes: rows });
  for (const [name] of rows) g.types.set(name, { dtype: 'float32', shape: shapeOf(level.get(name)!) });
  return g;
}

/** The report of detectionGraph(total), partitioned with the default minBlockSize. */
export function detectionReport(total: number): ReportData {
  const g = detectionGraph(total);
  return buildReport(g, partition(g, { verdict: registryVerdict(testRegistry()) }), {
    file: `detection-${total}.onnx`,
    recommendations: total <= 150,
  });
}
