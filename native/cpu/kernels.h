// Factories of the cpu kernels, one per layer kind (one source file per kernel family).
#pragma once

#include <memory>

#include "src/engine/backend.h"

namespace hybridrt {
namespace cpu {

std::unique_ptr<Kernel> MakeConvolution();    // conv.cc
std::unique_ptr<Kernel> MakeDeconvolution();  // deconv.cc
std::unique_ptr<Kernel> MakeMatmul();         // matmul.cc
std::unique_ptr<Kernel> MakeElementwise();    // elementwise.cc
std::unique_ptr<Kernel> MakeUnary();          // unary.cc
std::unique_ptr<Kernel> MakePooling();        // pooling.cc
std::unique_ptr<Kernel> MakeReduce();         // reduce.cc
std::unique_ptr<Kernel> MakeSoftmax();        // softmax.cc
std::unique_ptr<Kernel> MakeNormalization();  // normalization.cc
std::unique_ptr<Kernel> MakeShuffle();        // shuffle.cc
std::unique_ptr<Kernel> MakeConcat();         // concat_split.cc
std::unique_ptr<Kernel> MakeSplit();          // concat_split.cc
std::unique_ptr<Kernel> MakeSlice();          // slice_pad.cc
std::unique_ptr<Kernel> MakePad();            // slice_pad.cc
std::unique_ptr<Kernel> MakeGather();         // gather.cc
std::unique_ptr<Kernel> MakeResize();         // resize.cc
std::unique_ptr<Kernel> MakeCast();           // cast.cc
std::unique_ptr<Kernel> MakeSelect();         // select.cc
std::unique_ptr<Kernel> MakeShapeOf();        // shape_of.cc
std::unique_ptr<Kernel> MakeRange();          // range.cc
std::unique_ptr<Kernel> MakeCumSum();         // cumsum.cc (floats through the half adapter)
std::unique_ptr<Kernel> MakeArgMinMax();      // arg_min_max.cc (half inputs through the half adapter)
std::unique_ptr<Kernel> MakeAttention();      // attention.cc (floats through the half adapter)
std::unique_ptr<Kernel> MakeScatter();        // scatter.cc (halves through the half adapter)
std::unique_ptr<Kernel> MakeTopK();           // topk.cc (half inputs through the half adapter)
std::unique_ptr<Kernel> MakeRoiAlign();       // roi_align.cc (halves through the half adapter)
std::unique_ptr<Kernel> MakeGridSample();     // grid_sample.cc (halves through the half adapter)
std::unique_ptr<Kernel> MakeRecurrent();      // recurrent.cc (float32: the precision pass keeps it)
std::unique_ptr<Kernel> MakeNonZero();        // nonzero.cc (any type, read by its bits)
std::unique_ptr<Kernel> MakeNms();            // nms.cc
std::unique_ptr<Kernel> MakeQuantize();       // quantize.cc
std::unique_ptr<Kernel> MakeDequantize();     // quantize.cc
std::unique_ptr<Kernel> MakePointwise();      // pointwise.cc (any float dtypes: no half adapter)
// The int8 forms of convolution and matmul (layers/quant_form.h).
std::unique_ptr<Kernel> MakeQuantConvolution();  // quant_conv.cc
std::unique_ptr<Kernel> MakeQuantMatmul();       // quant_matmul.cc
std::unique_ptr<Kernel> MakeQuantAdd();          // quant_add.cc (the int8 add)

// Wraps a kernel written for float32 so that it runs a layer with float16/bfloat16 tensors.
std::unique_ptr<Kernel> MakeHalfAdapter(std::unique_ptr<Kernel> inner);  // half_adapter.cc

}  // namespace cpu
}  // namespace hybridrt
