/**
 * The int8 form of convolution and matmul (a builder form: the builder's qdq pass,
 * native/src/builder/qdq_fusion.h, folds DequantizeLinear -> Conv/MatMul/Gemm -> QuantizeLinear
 * into it; native/layers/quant_form.h): x (input 0) is int8 or uint8, the weights (input 1) a
 * constant int8 tensor, bias, residual and c float32; the layer computes
 * v = float(sum (x - inputZeroPoint) w) * inputScale * weightScales[channel] + bias (+ residual),
 * then its activation, and outputs v as float32, or with outputScale, int8/uint8
 * saturate(round_half_even(v / outputScale) + outputZeroPoint) (the output's dtype). One
 * weight scale, or one per output channel (convolution: M; matmul: N). The int8 matmul takes
 * a not transposed, b of rank 2, alpha 1, and c (beta 1) of N values. With residualScale the
 * residual (the last input) is int8/uint8: residual = float(r - residualZeroPoint) * residualScale.
 */
export interface QuantParams {
  inputScale: number;
  inputZeroPoint: number;
  weightScales: number[];
  outputScale?: number;
  outputZeroPoint?: number;
  residualScale?: number;
  residualZeroPoint?: number;
}

/**
 * The int8 form of the elementwise add (a builder form: the builder's qdq pass folds
 * DequantizeLinear(a), DequantizeLinear(b) -> Add (-> Relu) -> QuantizeLinear, each per tensor,
 * into it; native/layers/quant_add.h holds the rule): op 'add', a (input 0) and b (input 1)
 * int8 or uint8 broadcasting as the add does, the output int8 or uint8 (its dtype):
 * v = float(a - inputZeroPoint) * inputScale + float(b - input1ZeroPoint) * input1Scale (each
 * product and the sum one float32 rounding), max(v, 0) with a relu activation (the only one it
 * takes), y = saturate(round_half_even(v / outputScale) + outputZeroPoint).
 */
export interface QuantAddParams {
  inputScale: number;
  inputZeroPoint: number;
  input1Scale: number;
  input1ZeroPoint: number;
  outputScale: number;
  outputZeroPoint: number;
}
