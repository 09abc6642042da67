/**
 * config.json: what is accepted, every error naming the file and the key, and the shapes a
 * batched model is compiled for (a range over dim 0 from 1 to max_batch_size).
 */
import { describe, expect, it } from 'vitest';
import { batchedShapes, parseConfig } from '../../src/serve/config.js';

const parse = (json: unknown, artifact = false) => parseConfig(json, 'm/config.json', artifact);

describe('parseConfig', () => {
  it('splits compile options from serving settings, with defaults', () => {
    expect(parse({})).toEqual({ file: 'm/config.json', compile: {}, maxBatchSize: 0, instances: 1 });
    const c = parse({
      backend: 'cpu',
      precisions: ['fp16'],
      inputs: { x: [1, 3, 8, 8] },
      max_batch_size: 8,
      dynamic_batching: { preferred_batch_size: [8, 4, 4], max_queue_delay_microseconds: 1500 },
      instances: 2,
    });
    expect(c).toEqual({
      file: 'm/config.json',
      compile: { backend: 'cpu', precisions: ['fp16'], inputs: { x: [1, 3, 8, 8] } },
      maxBatchSize: 8,
      dynamicBatching: { preferred: [4, 8], maxQueueDelayMs: 1.5 },
      instances: 2,
    });
  });

  it.each([
    [[], /m\/config\.json: must hold a JSON object/],
    [{ max_batch_size: 1.5 }, /m\/config\.json: max_batch_size must be an integer from 0 to 4096, got 1.5/],
    [{ instances: 0 }, /instances must be an integer from 1 to 64, got 0/],
    [{ precision: ['fp16'] }, /unknown option 'precision'; did you mean 'precisions'\?/],
    [{ dynamic_batching: {} }, /dynamic_batching needs max_batch_size > 0/],
    [{ max_batch_size: 4, dynamic_batching: { preferred_batch_size: [8] } }, /preferred_batch_size\[0\] must be an integer from 1 to 4, got 8/],
    [{ max_batch_size: 4, dynamic_batching: { max_queue_delay: 5 } }, /dynamic_batching keys: unknown option 'max_queue_delay'/],
    [{ inputs: { x: { min: [1], max: [2] } } }, /m\/config\.json: inputs: 'x': a range needs min, opt and max; opt missing/],
  ])('refuses %j', (json, message) => {
    expect(() => parse(json)).toThrow(message);
  });

  it('refuses compile options for a model.hybrid, which is compiled already', () => {
    expect(() => parse({ inputs: { x: [1, 3] } }, true)).toThrow(/'inputs' applies to model.onnx only: a model.hybrid is already compiled/);
    expect(parse({ threads: 2, max_batch_size: 4 }, true)).toMatchObject({ compile: { threads: 2 }, maxBatchSize: 4 });
  });
});

describe('batchedShapes', () => {
  const declared = [
    { name: 'x', shape: ['N', 3, 8, 8] },
    { name: 'y', shape: ['N', 2] },
  ];

  it('ranges dim 0 from 1 to max_batch_size, tuned at the largest preferred size', () => {
    const c = parse({ max_batch_size: 16, dynamic_batching: { preferred_batch_size: [4, 8] } });
    expect(batchedShapes(c, declared)).toEqual({
      inputs: { x: { min: [1, 3, 8, 8], opt: [8, 3, 8, 8], max: [16, 3, 8, 8] }, y: { min: [1, 2], opt: [8, 2], max: [16, 2] } },
    });
  });

  it('takes the dims beyond the batch from a static shape given in inputs', () => {
    const c = parse({ max_batch_size: 4, inputs: { x: [1, 3, 32, 32] } });
    expect(batchedShapes(c, [{ name: 'x', shape: ['N', 3, 'H', 'W'] }])).toEqual({
      inputs: { x: { min: [1, 3, 32, 32], opt: [4, 3, 32, 32], max: [4, 3, 32, 32] } },
    });
  });

  it('keeps a given range that holds 1..max_batch_size, and refuses one that does not', () => {
    const r = { min: [1, 3, 8, 8], opt: [2, 3, 8, 8], max: [4, 3, 16, 16] };
    expect(batchedShapes(parse({ max_batch_size: 4, inputs: { x: r } }), [{ name: 'x', shape: ['N', 3, 'H', 'W'] }])).toEqual({ inputs: { x: r } });
    expect(() => batchedShapes(parse({ max_batch_size: 8, inputs: { x: r } }), [{ name: 'x' }])).toThrow(
      /'x' ranges dim 0 over 1\.\.4, which must hold batch 1\.\.8/,
    );
  });

  it('asks for the size of a symbolic dim beyond the batch', () => {
    expect(() => batchedShapes(parse({ max_batch_size: 4 }), [{ name: 'x', shape: ['N', 3, 'H', 'W'] }])).toThrow(
      /input 'x': dim 2 is 'H' in the model; give its size in inputs/,
    );
  });

  it('passes shapes through unchanged without batching', () => {
    expect(batchedShapes(parse({ inputs: { x: [2, 3, 8, 8] } }), declared)).toEqual({ inputs: { x: [2, 3, 8, 8] } });
  });
});
