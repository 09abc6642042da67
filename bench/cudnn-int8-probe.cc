// cuDNN int8 convolutions on this GPU (docs/benchmarks.md, "cuDNN's int8 convolutions as tactics"):
// per resnet50 layer shape, whether the graph API plans an int8 convolution with a per-channel
// scale, bias and relu fused (channels-last), its best configuration's time against the fp16 graph
// of the same shape, and the int8 result checked on the host. A measurement, not part of the build:
//   nvcc -std=c++17 -O2 -arch=sm_90 bench/cudnn-int8-probe.cc -I$CUDNN_ROOT/include -L$CUDNN_ROOT/lib -lcudnn -o /tmp/probe
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#define OK(x)                                                                                   \
  do {                                                                                          \
    cudnnStatus_t s_ = (x);                                                                     \
    if (s_ != CUDNN_STATUS_SUCCESS) {                                                           \
      char d_[512] = {0};                                                                       \
      cudnnGetLastErrorString(d_, sizeof d_);                                                   \
      throw std::string(#x) + ": " + cudnnGetErrorString(s_) + " " + d_;                        \
    }                                                                                           \
  } while (0)

struct G {
  std::vector<cudnnBackendDescriptor_t> own;
  cudnnBackendDescriptor_t Make(cudnnBackendDescriptorType_t t) {
    cudnnBackendDescriptor_t d;
    OK(cudnnBackendCreateDescriptor(t, &d));
    own.push_back(d);
    return d;
  }
  ~G() {
    for (auto it = own.rbegin(); it != own.rend(); ++it) cudnnBackendDestroyDescriptor(*it);
  }
  cudnnBackendDescriptor_t T(int64_t uid, cudnnDataType_t t, std::vector<int64_t> dims, bool nhwc, bool virt) {
    auto d = Make(CUDNN_BACKEND_TENSOR_DESCRIPTOR);
    std::vector<int64_t> st(4);
    int64_t c = dims[1], h = dims[2], w = dims[3];
    if (nhwc) st = {h * w * c, 1, w * c, c};
    else st = {c * h * w, h * w, w, 1};
    int64_t al = 16, n = 4;
    OK(cudnnBackendSetAttribute(d, CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &t));
    OK(cudnnBackendSetAttribute(d, CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, n, dims.data()));
    OK(cudnnBackendSetAttribute(d, CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, n, st.data()));
    OK(cudnnBackendSetAttribute(d, CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1, &uid));
    OK(cudnnBackendSetAttribute(d, CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, 1, &al));
    if (virt) {
      bool y = true;
      OK(cudnnBackendSetAttribute(d, CUDNN_ATTR_TENSOR_IS_VIRTUAL, CUDNN_TYPE_BOOLEAN, 1, &y));
    }
    OK(cudnnBackendFinalize(d));
    return d;
  }
  cudnnBackendDescriptor_t PW(cudnnPointwiseMode_t mode, cudnnBackendDescriptor_t x, cudnnBackendDescriptor_t b,
                              cudnnBackendDescriptor_t y) {
    auto pw = Make(CUDNN_BACKEND_POINTWISE_DESCRIPTOR);
    cudnnDataType_t prec = CUDNN_DATA_FLOAT;
    OK(cudnnBackendSetAttribute(pw, CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, 1, &mode));
    OK(cudnnBackendSetAttribute(pw, CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_TYPE_DATA_TYPE, 1, &prec));
    OK(cudnnBackendFinalize(pw));
    auto op = Make(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR);
    OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &pw));
    OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &x));
    if (b) OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_POINTWISE_BDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &b));
    OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_POINTWISE_YDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &y));
    OK(cudnnBackendFinalize(op));
    return op;
  }
};

struct Shape {
  const char* name;
  int64_t n, c, h, w, k, r, s, pad, stride;
};

// variant: 0 fp16 conv+bias+relu -> half; 1 int8 conv*scale+bias+relu -> int8; 2 same -> half;
// 3 int8 conv -> int32 alone; 4 int8 conv -> float alone
float Run(cudnnHandle_t h, const Shape& sh, int variant, bool nhwc, int* nconfigs, std::string* err,
          std::vector<int8_t>* out_i8, const std::vector<int8_t>& hx, const std::vector<int8_t>& hw, float scale) {
  const int64_t ho = (sh.h + 2 * sh.pad - sh.r) / sh.stride + 1, wo = (sh.w + 2 * sh.pad - sh.s) / sh.stride + 1;
  const bool i8 = variant != 0;
  const cudnnDataType_t io = i8 ? CUDNN_DATA_INT8 : CUDNN_DATA_HALF;
  cudnnDataType_t ydt = variant == 1 ? CUDNN_DATA_INT8 : variant == 3 ? CUDNN_DATA_INT32 : variant == 4 ? CUDNN_DATA_FLOAT : CUDNN_DATA_HALF;
  const bool epi = variant <= 2;
  const size_t xe = sh.n * sh.c * sh.h * sh.w, we = sh.k * sh.c * sh.r * sh.s, ye = sh.n * sh.k * ho * wo;
  const size_t es = i8 ? 1 : 2;
  void *x, *w, *y, *sc, *bias, *ws = nullptr;
  cudaMalloc(&x, xe * es);
  cudaMalloc(&w, we * es);
  cudaMalloc(&y, ye * 4);
  cudaMalloc(&sc, sh.k * 4);
  cudaMalloc(&bias, sh.k * 4);
  if (i8) {
    cudaMemcpy(x, hx.data(), xe, cudaMemcpyHostToDevice);
    cudaMemcpy(w, hw.data(), we, cudaMemcpyHostToDevice);
  } else {
    cudaMemset(x, 0, xe * 2);
    cudaMemset(w, 0, we * 2);
  }
  std::vector<float> hs(sh.k, scale), hb(sh.k, 0.f);
  cudaMemcpy(sc, hs.data(), sh.k * 4, cudaMemcpyHostToDevice);
  cudaMemcpy(bias, hb.data(), sh.k * 4, cudaMemcpyHostToDevice);
  float best = -1;
  try {
    G g;
    auto tx = g.T(1, io, {sh.n, sh.c, sh.h, sh.w}, nhwc, false);
    auto tw = g.T(2, io, {sh.k, sh.c, sh.r, sh.s}, nhwc, false);
    std::vector<int64_t> yd = {sh.n, sh.k, ho, wo}, cd = {1, sh.k, 1, 1};
    auto tacc = epi ? g.T(100, i8 ? CUDNN_DATA_FLOAT : CUDNN_DATA_FLOAT, yd, nhwc, true) : g.T(3, ydt, yd, nhwc, false);
    auto conv = g.Make(CUDNN_BACKEND_CONVOLUTION_DESCRIPTOR);
    int64_t nd = 2;
    cudnnDataType_t comp = i8 ? CUDNN_DATA_INT32 : CUDNN_DATA_FLOAT;
    cudnnConvolutionMode_t mode = CUDNN_CROSS_CORRELATION;
    int64_t pads[2] = {sh.pad, sh.pad}, strides[2] = {sh.stride, sh.stride}, dil[2] = {1, 1};
    OK(cudnnBackendSetAttribute(conv, CUDNN_ATTR_CONVOLUTION_SPATIAL_DIMS, CUDNN_TYPE_INT64, 1, &nd));
    OK(cudnnBackendSetAttribute(conv, CUDNN_ATTR_CONVOLUTION_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &comp));
    OK(cudnnBackendSetAttribute(conv, CUDNN_ATTR_CONVOLUTION_CONV_MODE, CUDNN_TYPE_CONVOLUTION_MODE, 1, &mode));
    OK(cudnnBackendSetAttribute(conv, CUDNN_ATTR_CONVOLUTION_DILATIONS, CUDNN_TYPE_INT64, 2, dil));
    OK(cudnnBackendSetAttribute(conv, CUDNN_ATTR_CONVOLUTION_FILTER_STRIDES, CUDNN_TYPE_INT64, 2, strides));
    OK(cudnnBackendSetAttribute(conv, CUDNN_ATTR_CONVOLUTION_PRE_PADDINGS, CUDNN_TYPE_INT64, 2, pads));
    OK(cudnnBackendSetAttribute(conv, CUDNN_ATTR_CONVOLUTION_POST_PADDINGS, CUDNN_TYPE_INT64, 2, pads));
    OK(cudnnBackendFinalize(conv));
    auto op = g.Make(CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR);
    float alpha = 1, beta = 0;
    OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_X, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &tx));
    OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_W, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &tw));
    OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_Y, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &tacc));
    OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_CONV_DESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &conv));
    OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_ALPHA, CUDNN_TYPE_FLOAT, 1, &alpha));
    OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_BETA, CUDNN_TYPE_FLOAT, 1, &beta));
    OK(cudnnBackendFinalize(op));
    std::vector<cudnnBackendDescriptor_t> ops = {op};
    if (epi) {
      auto cur = tacc;
      if (i8) {
        auto v = g.T(101, CUDNN_DATA_FLOAT, yd, nhwc, true);
        ops.push_back(g.PW(CUDNN_POINTWISE_MUL, cur, g.T(4, CUDNN_DATA_FLOAT, cd, nhwc, false), v));
        cur = v;
      }
      auto v2 = g.T(102, CUDNN_DATA_FLOAT, yd, nhwc, true);
      ops.push_back(g.PW(CUDNN_POINTWISE_ADD, cur, g.T(5, i8 ? CUDNN_DATA_FLOAT : CUDNN_DATA_HALF, cd, nhwc, false), v2));
      ops.push_back(g.PW(CUDNN_POINTWISE_RELU_FWD, v2, nullptr, g.T(3, ydt, yd, nhwc, false)));
    }
    auto graph = g.Make(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
    OK(cudnnBackendSetAttribute(graph, CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, 1, &h));
    OK(cudnnBackendSetAttribute(graph, CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, (int64_t)ops.size(), ops.data()));
    OK(cudnnBackendFinalize(graph));
    for (cudnnBackendHeurMode_t hm : {CUDNN_HEUR_MODE_A, CUDNN_HEUR_MODE_FALLBACK}) {
      auto heur = g.Make(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR);
      OK(cudnnBackendSetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &graph));
      OK(cudnnBackendSetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, 1, &hm));
      OK(cudnnBackendFinalize(heur));
      int64_t avail = 0;
      OK(cudnnBackendGetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, &avail, nullptr));
      int64_t want = std::min<int64_t>(avail, 8), got = 0;
      std::vector<cudnnBackendDescriptor_t> cfgs(want);
      for (auto& c : cfgs) OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR, &c));
      if (want) OK(cudnnBackendGetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, want, &got, cfgs.data()));
      *nconfigs += (int)got;
      for (int64_t i = 0; i < got; ++i) {
        cudnnBackendDescriptor_t plan;
        OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR, &plan));
        int64_t wsz = 0, n = 0;
        bool ok = cudnnBackendSetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, 1, &h) == 0 &&
                  cudnnBackendSetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &cfgs[i]) == 0 &&
                  cudnnBackendFinalize(plan) == 0 &&
                  cudnnBackendGetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE, CUDNN_TYPE_INT64, 1, &n, &wsz) == 0;
        if (!ok) {
          char d[512] = {0};
          cudnnGetLastErrorString(d, sizeof d);
          *err += std::string(" [plan ") + std::to_string(i) + " refused: " + d + "]";
          cudnnBackendDestroyDescriptor(plan);
          continue;
        }
        if (ws) cudaFree(ws);
        ws = nullptr;
        if (wsz) cudaMalloc(&ws, wsz);
        int64_t uids[5] = {1, 2, 3, 4, 5};
        void* ptrs[5] = {x, w, y, sc, bias};
        int nu = epi ? (i8 ? 5 : 4) : 3;
        if (epi && !i8) { uids[3] = 5; ptrs[3] = bias; }
        cudnnBackendDescriptor_t pack;
        OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR, &pack));
        OK(cudnnBackendSetAttribute(pack, CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, nu, uids));
        OK(cudnnBackendSetAttribute(pack, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, nu, ptrs));
        OK(cudnnBackendSetAttribute(pack, CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, 1, &ws));
        OK(cudnnBackendFinalize(pack));
        cudnnStatus_t st = cudnnBackendExecute(h, plan, pack);
        if (st != 0) {
          *err += std::string(" [exec ") + std::to_string(i) + " " + cudnnGetErrorString(st) + "]";
        } else {
          cudaEvent_t a, b;
          cudaEventCreate(&a);
          cudaEventCreate(&b);
          std::vector<float> t;
          for (int rep = 0; rep < 30; ++rep) {
            cudaEventRecord(a);
            cudnnBackendExecute(h, plan, pack);
            cudaEventRecord(b);
            cudaEventSynchronize(b);
            float ms;
            cudaEventElapsedTime(&ms, a, b);
            t.push_back(ms);
          }
          std::sort(t.begin(), t.end());
          float med = t[t.size() / 2];
          if (best < 0 || med < best) {
            best = med;
            if (variant == 1 && out_i8) {
              out_i8->resize(ye);
              cudnnBackendExecute(h, plan, pack);
              cudaMemcpy(out_i8->data(), y, ye, cudaMemcpyDeviceToHost);
            }
          }
          cudaEventDestroy(a);
          cudaEventDestroy(b);
        }
        cudnnBackendDestroyDescriptor(pack);
        cudnnBackendDestroyDescriptor(plan);
      }
      for (auto c : cfgs) cudnnBackendDestroyDescriptor(c);
      if (best >= 0) break;
    }
  } catch (const std::string& e) {
    *err += " " + e;
  }
  if (cudaGetLastError() != cudaSuccess) *err += " [cuda error]";
  cudaFree(x); cudaFree(w); cudaFree(y); cudaFree(sc); cudaFree(bias);
  if (ws) cudaFree(ws);
  return best;
}

int main() {
  cudnnHandle_t h;
  OK(cudnnCreate(&h));
  printf("cuDNN %zu\n", cudnnGetVersion());
  std::vector<Shape> shapes = {
      {"l1 3x3 64 56x56 b1", 1, 64, 56, 56, 64, 3, 3, 1, 1},
      {"l1 1x1 64->256 56x56 b1", 1, 64, 56, 56, 256, 1, 1, 0, 1},
      {"l3 3x3 256 14x14 b1", 1, 256, 14, 14, 256, 3, 3, 1, 1},
      {"l4 3x3 512 7x7 b1", 1, 512, 7, 7, 512, 3, 3, 1, 1},
      {"l4 1x1 512->2048 7x7 b1", 1, 512, 7, 7, 2048, 1, 1, 0, 1},
      {"l2 3x3/2 128 56->28 b1", 1, 128, 56, 56, 128, 3, 3, 1, 2},
      {"l1 3x3 64 56x56 b32", 32, 64, 56, 56, 64, 3, 3, 1, 1},
      {"l4 3x3 512 7x7 b32", 32, 512, 7, 7, 512, 3, 3, 1, 1},
      {"l4 1x1 512->2048 7x7 b32", 32, 512, 7, 7, 2048, 1, 1, 0, 1},
      {"mobilenet 1x1 32->16 112x112 b1", 1, 32, 112, 112, 16, 1, 1, 0, 1},
      {"8 channels 3x3 56x56 b1", 1, 8, 56, 56, 64, 3, 3, 1, 1},
  };
  const char* vname[] = {"fp16 conv+bias+relu", "int8 ->int8 scale+bias+relu", "int8 ->half scale+bias+relu",
                         "int8 ->int32 alone", "int8 ->float alone"};
  srand(7);
  for (const Shape& sh : shapes) {
    std::vector<int8_t> hx(sh.n * sh.c * sh.h * sh.w), hw(sh.k * sh.c * sh.r * sh.s);
    for (auto& v : hx) v = (int8_t)(rand() % 21 - 10);
    for (auto& v : hw) v = (int8_t)(rand() % 21 - 10);
    const float scale = 0.01f;
    for (int nhwc = 1; nhwc >= 0; --nhwc) {
      for (int v = 0; v < 5; ++v) {
        if (!nhwc && v != 0 && v != 3) continue;
        int nc = 0;
        std::string err;
        std::vector<int8_t> out;
        float ms = Run(h, sh, v, nhwc, &nc, &err, v == 1 ? &out : nullptr, hx, hw, scale);
        std::string check;
        if (v == 1 && nhwc && !out.empty() && sh.n == 1) {
          // reference: NHWC, y[n,oy,ox,k] = clamp(round(relu(acc * scale)))
          const int64_t ho = (sh.h + 2 * sh.pad - sh.r) / sh.stride + 1, wo = (sh.w + 2 * sh.pad - sh.s) / sh.stride + 1;
          int worst = 0;
          int64_t checked = 0;
          for (int64_t oy = 0; oy < ho; oy += 3)
            for (int64_t ox = 0; ox < wo; ox += 5)
              for (int64_t k = 0; k < sh.k; k += 7) {
                int64_t acc = 0;
                for (int64_t r = 0; r < sh.r; ++r)
                  for (int64_t s = 0; s < sh.s; ++s) {
                    int64_t iy = oy * sh.stride - sh.pad + r, ix = ox * sh.stride - sh.pad + s;
                    if (iy < 0 || ix < 0 || iy >= sh.h || ix >= sh.w) continue;
                    for (int64_t c = 0; c < sh.c; ++c)
                      acc += (int)hx[(iy * sh.w + ix) * sh.c + c] * (int)hw[((k * sh.r + r) * sh.s + s) * sh.c + c];
                  }
                float f = std::max(0.f, acc * scale);
                int want = (int)std::min(127.f, std::nearbyint(f));
                int got = out[(oy * wo + ox) * sh.k + k];
                worst = std::max(worst, std::abs(want - got));
                ++checked;
              }
          check = " check: " + std::to_string(checked) + " outputs, max |diff| " + std::to_string(worst);
        }
        printf("%-32s %-4s %-30s configs %2d  best %8.4f ms%s%s\n", sh.name, nhwc ? "nhwc" : "nchw", vname[v], nc, ms,
               check.c_str(), ms < 0 ? err.substr(0, 400).c_str() : "");
        fflush(stdout);
      }
    }
  }
  return 0;
}
