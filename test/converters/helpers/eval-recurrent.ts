/**
 * The reference interpreter's recurrent layer, in float64, written from its doc in
 * src/engine/recurrent-layer.ts (and the ONNX RNN, GRU and LSTM specs) rather than from the
 * kernels: one batch entry at a time, each gate's input a plain sum over R's row, the
 * activations from Math (the kernels run vector approximations in fp32).
 */
import type { NetLayer } from '../../../src/engine/network.js';
import type { HostTensor } from './eval-network.js';

type Params = Extract<NetLayer, { kind: 'recurrent' }>['params'];

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** outs: the declared y, h (and c) to fill. */
export function recurrent(ins: HostTensor[], p: Params, outs: HostTensor[]): HostTensor[] {
  let at = 2;
  const x = ins[0]!.data;
  const r = ins[1]!.data;
  const rb = p.recurrentBias ? ins[at++]!.data : undefined;
  const h0 = p.initialH ? ins[at++]!.data : undefined;
  const c0 = p.initialC ? ins[at++]!.data : undefined;
  const lens = p.sequenceLens ? ins[at++]!.data : undefined;
  const [S, , B, W] = ins[0]!.shape as [number, number, number, number];
  const H = ins[1]!.shape[1]!;
  const [y, hOut, cOut] = outs as [HostTensor, HostTensor, HostTensor | undefined];
  // h R_rows^T + rb over R's rows [from, from + H), of a state v.
  const rec = (v: number[], from: number) =>
    Array.from({ length: H }, (_, j) => {
      let s = rb ? rb[from + j]! : 0;
      for (let k = 0; k < H; k++) s += v[k]! * r[(from + j) * H + k]!;
      return s;
    });
  for (let b = 0; b < B; b++) {
    let h = Array.from({ length: H }, (_, j) => (h0 ? h0[b * H + j]! : 0));
    let c = Array.from({ length: H }, (_, j) => (c0 ? c0[b * H + j]! : 0));
    const len = lens ? lens[b]! : S;
    for (let k = 0; k < S; k++) {
      const t = p.reverse ? S - 1 - k : k;
      const xt = (g: number, j: number) => x[(t * B + b) * W + g * H + j]!;
      if (t < len) {
        if (p.cell === 'rnn') {
          const g = rec(h, 0);
          h = g.map((v, j) => Math.tanh(xt(0, j) + v));
        } else if (p.cell === 'gru') {
          const [gz, gr] = [rec(h, 0), rec(h, H)];
          const z = gz.map((v, j) => sigmoid(xt(0, j) + v));
          const rr = gr.map((v, j) => sigmoid(xt(1, j) + v));
          const cand = p.linearBeforeReset
            ? rec(h, 2 * H).map((v, j) => Math.tanh(xt(2, j) + rr[j]! * v))
            : rec(
                h.map((v, j) => rr[j]! * v),
                2 * H,
              ).map((v, j) => Math.tanh(xt(2, j) + v));
          h = h.map((v, j) => (1 - z[j]!) * cand[j]! + z[j]! * v);
        } else {
          const [gi, go, gf, gc] = [0, 1, 2, 3].map((g) => rec(h, g * H).map((v, j) => xt(g, j) + v)) as number[][];
          c = c.map((v, j) => sigmoid(gf![j]!) * v + sigmoid(gi![j]!) * Math.tanh(gc![j]!));
          h = c.map((v, j) => sigmoid(go![j]!) * Math.tanh(v));
        }
      }
      for (let j = 0; j < H; j++) y.data[(t * B + b) * H + j] = t < len ? h[j]! : 0;
    }
    // A row of length 0 ends with zero states (onnxruntime's Y_h and Y_c).
    for (let j = 0; j < H; j++) {
      hOut.data[b * H + j] = len > 0 ? h[j]! : 0;
      if (cOut) cOut.data[b * H + j] = len > 0 ? c[j]! : 0;
    }
  }
  return cOut ? [y, hOut, cOut] : [y, hOut];
}
