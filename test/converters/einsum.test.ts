/**
 * Einsum as reduce, transpose, reshape and matmul layers against onnxruntime on the same float32
 * inputs (sums of up to 12 products: within 1e-5), through the reference interpreter and the cpu
 * engine: matrix and batched products, attention's score and context products, contractions over
 * two labels, outer and inner products, a transpose, sums of one operand, labels only one operand
 * has (summed first), ellipses (also of different ranks) and implicit outputs. The ONNX suite's
 * Einsum cases hold float64 data, which engines refuse; a diagonal is refused with its reason.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, random, validateNode, nodeGraph } from './helpers/harness.js';

function einsum(equation: string, shapes: number[][]) {
  const names = shapes.map((_, i) => `x${i}`);
  return {
    spec: {
      inputs: shapes.map((shape, i) => ({ name: names[i]!, dtype: 'float32' as const, shape })),
      outputs: [{ name: 'y' }],
      nodes: [{ op: 'Einsum', inputs: names, outputs: ['y'], attrs: { equation } }],
    },
    feeds: Object.fromEntries(shapes.map((shape, i) => [names[i]!, random('float32', shape, 10 + i)])),
    rtol: 1e-5,
    atol: 1e-5,
  };
}

describe('Einsum', () => {
  it.each<[string, number[][]]>([
    [
      'ij,jk->ik',
      [
        [3, 4],
        [4, 5],
      ],
    ],
    [
      'bij,bjk->bik',
      [
        [2, 3, 4],
        [2, 4, 5],
      ],
    ],
    [
      'bhqd,bhkd->bhqk',
      [
        [2, 3, 4, 6],
        [2, 3, 5, 6],
      ],
    ],
    [
      'bhqk,bhkd->bqhd',
      [
        [2, 3, 4, 5],
        [2, 3, 5, 6],
      ],
    ],
    [
      'abc,cbd->ad',
      [
        [2, 3, 4],
        [4, 3, 5],
      ],
    ],
    ['i,j->ij', [[3], [4]]],
    ['i,i->', [[7], [7]]],
    ['ij->ji', [[3, 5]]],
    ['ijk->j', [[2, 3, 4]]],
    [
      'ij,jk',
      [
        [3, 4],
        [4, 2],
      ],
    ],
    [
      'ab,cd->bd',
      [
        [2, 3],
        [4, 5],
      ],
    ],
    [
      '...ij,...jk->...ik',
      [
        [2, 3, 4, 5],
        [2, 3, 5, 2],
      ],
    ],
    [
      '...ij,jk->...ik',
      [
        [2, 3, 4],
        [4, 5],
      ],
    ],
    [
      'bij,bjk->bik',
      [
        [1, 3, 4],
        [2, 4, 5],
      ],
    ],
  ])('%s of %j', async (equation, shapes) => {
    await checkAgainstOrt(einsum(equation, shapes));
  });

  it('refuses a diagonal (a label twice in one operand) and three operands, saying why', () => {
    const diag = nodeGraph(einsum('ii->i', [[3, 3]]).spec);
    diag.types.set('y', { dtype: 'float32', shape: [3] });
    expect(validateNode(diag)).toMatchObject({ ok: false, reason: expect.stringContaining('diagonal') });
    const three = nodeGraph(
      einsum('ij,jk,kl->il', [
        [2, 3],
        [3, 4],
        [4, 5],
      ]).spec,
    );
    three.types.set('y', { dtype: 'float32', shape: [2, 5] });
    expect(validateNode(three)).toMatchObject({ ok: false, reason: expect.stringContaining('one or two') });
  });
});
