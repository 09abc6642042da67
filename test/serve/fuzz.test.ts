/**
 * A fuzz of request bodies: valid requests mutated at random (structure: a field replaced by a
 * value of another type, deleted, or an input duplicated; text: bytes flipped, cut or inserted;
 * the binary extension: header lengths and binary_data_size off), sent over REST, and encoded
 * gRPC requests with bytes flipped or cut. The server must answer every one with 200 or a 4xx
 * (gRPC: OK, or a status other than UNKNOWN, which is what a handler's unexpected throw
 * becomes), stay up, and keep answering clean requests, sent between the mutants, with their
 * own outputs. Seeded: a failure names its seed and mutation.
 */
import grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRPC_SERVICE_PROTO } from '../../src/serve/grpc-proto.js';
import type { HybridServer } from '../../src/serve/server.js';
import { type Random, mulberry32 } from '../../src/util/random.js';
import { cnnInput, cnnRequest, makeRepository, rest, startServer } from './helpers.js';

let server: HybridServer;
beforeAll(async () => {
  const config = { backend: 'cpu', max_batch_size: 4, dynamic_batching: { max_queue_delay_microseconds: 2000 } };
  server = await startServer(makeRepository({ cnn: { config }, two: { config: { backend: 'cpu', max_batch_size: 2, instances: 2 } } }), {
    maxBodyBytes: 1 << 20,
    maxTensorElements: 1 << 16,
  });
});
afterAll(() => server?.close());

const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const ODD = [
  null,
  true,
  -1,
  0,
  2 ** 53,
  1e308,
  -0.5,
  'FP32',
  'x',
  '',
  [],
  [1],
  [[[]]],
  {},
  { name: 'x' },
  'BYTES',
  [-1, 3, 8, 8],
  [0, 3, 8, 8],
  [4, 3, 8, 8],
];

/** Every [object, key] pair inside a JSON value. */
function slots(v: unknown, out: Array<[Record<string, unknown> | unknown[], string | number]> = []) {
  if (Array.isArray(v)) v.forEach((x, i) => (i < 4 || typeof x === 'object' ? (out.push([v, i]), slots(x, out)) : undefined));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (out.push([v as Record<string, unknown>, k]), slots(x, out));
  return out;
}

function mutateStructure(r: Random, body: Record<string, unknown>): string {
  const all = slots(body);
  const [obj, key] = pick(r, all);
  const roll = r();
  if (roll < 0.6) (obj as Record<string | number, unknown>)[key] = pick(r, ODD);
  else if (roll < 0.8 && !Array.isArray(obj)) delete obj[key as string];
  else (body.inputs as unknown[])?.push?.(structuredClone((body.inputs as unknown[])[0]));
  return JSON.stringify(body);
}

function mutateText(r: Random, text: string): Buffer {
  const b = Buffer.from(text);
  const at = Math.floor(r() * b.length);
  const roll = r();
  if (roll < 0.4) return b.subarray(0, at);
  if (roll < 0.7) {
    b[at] = Math.floor(r() * 256);
    return b;
  }
  return Buffer.concat([b.subarray(0, at), Buffer.from(pick(r, ['{', ']', '"', ',', '\\u0000', '1e999', 'null', '\u00ff'])), b.subarray(at)]);
}

function mutateBinary(r: Random): { body: Buffer; headers: Record<string, string> } {
  const input = Buffer.from(cnnInput(1, 7).buffer);
  const size = pick(r, [768, 767, 769, 0, -4, 1.5, 1e12, '768']);
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'x', shape: [1, 3, 8, 8], datatype: pick(r, ['FP32', 'FP16', 'UINT8']), parameters: { binary_data_size: size } }],
    }),
  );
  const length = pick(r, [String(header.length), String(header.length - 3), String(header.length + 5), '-1', 'abc', '', '99999999']);
  return { body: Buffer.concat([header, input.subarray(0, Math.floor(r() * 900))]), headers: { 'Inference-Header-Content-Length': length } };
}

async function clean(seed: number): Promise<void> {
  const input = cnnInput(1, seed);
  const r = await rest(server.httpPort!, 'POST', '/v2/models/cnn/infer', JSON.stringify(cnnRequest(input, 1, { id: `clean${seed}` })));
  expect(r.status, `clean request ${seed}`).toBe(200);
  expect(r.json().id).toBe(`clean${seed}`);
  expect(r.json().outputs[1].shape).toEqual([1, 5]);
}

describe('fuzz', () => {
  it('answers 400 cases of mutated REST bodies with 200 or a 4xx, and clean requests correctly meanwhile', async () => {
    const statuses = new Map<number, number>();
    for (let round = 0; round < 50; round++) {
      const sends = Array.from({ length: 8 }, async (_, k) => {
        const seed = round * 8 + k;
        const r = mulberry32(seed);
        const kind = pick(r, ['structure', 'text', 'binary'] as const);
        const model = pick(r, ['cnn', 'cnn', 'two', 'nope']);
        const body = cnnRequest(cnnInput(1 + Math.floor(r() * 2), seed), 1, { id: String(seed), outputs: [{ name: 'logits' }] });
        let reply;
        if (kind === 'binary') {
          const m = mutateBinary(r);
          reply = await rest(server.httpPort!, 'POST', `/v2/models/${model}/infer`, m.body, m.headers);
        } else {
          const text = kind === 'structure' ? mutateStructure(r, body) : mutateText(r, JSON.stringify(body)).toString('latin1');
          reply = await rest(server.httpPort!, 'POST', `/v2/models/${model}/infer`, Buffer.from(text, 'latin1'));
        }
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        expect(reply.status < 500, `seed ${seed} (${kind}, ${model}): ${reply.status} ${reply.body.toString()}`).toBe(true);
        if (reply.status !== 200) expect(typeof reply.json().error, `seed ${seed}: error JSON`).toBe('string');
      });
      await Promise.all([...sends, clean(round)]);
    }
    expect(statuses.get(400)).toBeGreaterThan(100); // the mutations do reach the checks
  });

  it('answers 200 gRPC requests with bytes flipped or cut without UNKNOWN, and stays up', async () => {
    const root = protobuf.parse(GRPC_SERVICE_PROTO, { keepCase: true }).root;
    const Request = root.lookupType('inference.ModelInferRequest');
    const valid = Request.encode(
      Request.create({
        model_name: 'cnn',
        inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3, 8, 8] }],
        raw_input_contents: [Buffer.from(cnnInput(1, 3).buffer)],
      }),
    ).finish();
    const client = new grpc.Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
    const send = (bytes: Uint8Array) =>
      new Promise<{ code: grpc.status; details: string }>((resolve) =>
        client.makeUnaryRequest(
          '/inference.GRPCInferenceService/ModelInfer',
          (b: Uint8Array) => Buffer.from(b),
          (b: Buffer) => b,
          bytes,
          (e) => resolve(e ? { code: e.code, details: e.details } : { code: grpc.status.OK, details: '' }),
        ),
      );
    expect((await send(valid)).code).toBe(grpc.status.OK);
    const seen = new Set<grpc.status>();
    for (let seed = 0; seed < 200; seed++) {
      const r = mulberry32(10_000 + seed);
      const b = Buffer.from(valid);
      const cuts = r() < 0.3;
      for (let i = 0; i < 1 + Math.floor(r() * 4); i++) b[Math.floor(r() * 80)] = Math.floor(r() * 256); // the header fields, before the data
      const { code, details } = await send(cuts ? b.subarray(0, Math.floor(r() * b.length)) : b);
      seen.add(code);
      expect(code, `seed ${seed}: ${details}`).not.toBe(grpc.status.UNKNOWN);
      // INTERNAL is grpc-js's own answer to bytes that are no ModelInferRequest at all.
      if (code === grpc.status.INTERNAL) expect(details, `seed ${seed}`).toMatch(/deserializ|parse/i);
    }
    expect(seen.has(grpc.status.INVALID_ARGUMENT)).toBe(true);
    expect((await send(valid)).code).toBe(grpc.status.OK);
    client.close();
    await clean(999);
  });
});
