/**
 * The network IR's recurrent layer kind: part of the format that network.ts defines (LayerSpec
 * includes it), in a file of its own so that network.ts keeps to its size. Its rule is
 * native/layers/recurrent.cc, its params and inputs native/layers/recurrent.h.
 */
export type RecurrentLayerSpec = {
  /**
   * ONNX's RNN, GRU or LSTM recurrence over a whole sequence in one direction, from the input's
   * projection (converters/recurrent.ts). inputs: [x [S, 1, B, G*H] (X W^T + Wb of every step),
   * r [G*H, H] (ONNX's R of this direction), rb [G*H] (`recurrentBias`: ONNX's Rb), h0 [1, 1,
   * B, H] (`initialH`), c0 [1, 1, B, H] (`initialC`, lstm only), lens [B] int32
   * (`sequenceLens`)], each optional one present where its param is set, float32 but lens.
   * outputs: [y [S, 1, B, H], the last h [1, 1, B, H], the last c [1, 1, B, H] (lstm only)].
   * G is 1 (rnn), 3 (gru: gates z r h), 4 (lstm: i o f c). Activations are ONNX's defaults
   * (sigmoid for gates, tanh for the candidate and lstm's output). Per step t (from S - 1 down
   * with `reverse`), g = x[t] + h r^T + rb: rnn h = tanh(g); gru z = sigmoid(g_z), r' =
   * sigmoid(g_r), h~ = tanh(x_h + r' * (h r_h^T + rb_h)) with `linearBeforeReset`, else
   * tanh(x_h + (r' * h) r_h^T + rb_h), h = (1 - z) h~ + z h; lstm i, o, f = sigmoid, c~ = tanh,
   * c = f c + i c~, h = o tanh(c). A step counts for batch entry b when t < lens[b]; elsewhere
   * h and c keep their values and y[t, b] is 0. Absent h0 and c0 are zeros.
   */
  kind: 'recurrent';
  params: {
    cell: 'rnn' | 'gru' | 'lstm';
    reverse: boolean;
    linearBeforeReset: boolean;
    recurrentBias: boolean;
    initialH: boolean;
    initialC: boolean;
    sequenceLens: boolean;
  };
};
