#!/usr/bin/python3
"""Real-model zoo, part 1: export torchvision / torch.nn models to ONNX.

Usage: /usr/bin/python3 bench/zoo/export.py [MODELS_DIR] [--only a,b] [--force]
(Debian's PyTorch 1.13 / torchvision 0.14; MODELS_DIR defaults to .zoo/models at the repo root.)

Promises:
- one <name>.onnx per model in MODELS (below), static shapes, batch 1, at opset 17 where the
  1.13 exporter allows it, else the first of 16, 14 that works;
- weights are random but "trained-like" and reproducible: torch.manual_seed(SEED + index); weight
  tensors that torchvision initialises to zeros (ViT's classifier head) drawn from N(0, 0.02)
  instead, so that no output is identically zero; then
  BatchNorm running stats recomputed by 4 forward passes on random normal batches under
  torch.no_grad() with momentum=None (a cumulative average), in train mode; detection models
  cannot run train mode without targets, so there only the BatchNorm modules are put in train
  mode (backbone and heads) while the rest stays in eval; then eval() and export;
- fasterrcnn keeps every detection (box_score_thresh=0: with random weights no score passes the
  default 0.05, and the outputs would be empty);
- a model that fails to build or export is skipped with its reason printed; the rest go on;
- MODELS_DIR/manifest.json gets (merged, other entries such as fetch.sh's kept) one entry per
  exported model: file, inputs [{name, shape, dtype}], category, source, opset.
An existing .onnx is kept (not re-exported) unless --force.
"""
import argparse
import inspect
import json
import os
import sys
import warnings

import torch
import torch.nn as nn
import torchvision.models as tvm
import torchvision.models.detection as tvd
import torchvision.models.optical_flow as tvo
import torchvision.models.segmentation as tvs
import torchvision.models.video as tvv

SEED = 1234
OPSETS = (17, 16, 14)
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, 'bench'))
import transformer_models as tm  # noqa: E402 -- GPT-2 and the Whisper-style encoder of the GPU benchmark

# Small configurations of the benchmark's transformers: the same graphs, a cpu-sized zoo entry.
GPT2_ZOO = {'layers': 2, 'width': 128, 'heads': 4, 'positions': 256, 'vocab': 1000}
WHISPER_ZOO = {'layers': 2, 'width': 128, 'heads': 4, 'mels': 80, 'frames': 400}


class SegOut(nn.Module):
    """Segmentation models return {'out': ...}; export the tensor."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        return self.m(x)['out']


class Detect(nn.Module):
    """Detection models take a list of images; export one fixed-size image, boxes/scores/labels out."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        d = self.m(list(x))[0]  # the first image's detections
        return d['boxes'], d['scores'], d['labels']


class Flow(nn.Module):
    """RAFT takes two frames and returns every refinement; export the last flow of 4 updates."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, a, b):
        return self.m(a, b, num_flow_updates=4)[-1]


def spread_logits(m):
    """RetinaNet's class logits start at the prior (every score ~0.011, within 3e-4 of each other with
    random weights), so which of the near-equal boxes NMS keeps turns on float rounding: weights x10
    and no prior bias spread them, and the entry keeps the top 20 detections of 100 candidates per
    level, where neighbouring scores lie further apart than the float32 noise of the backbone."""
    with torch.no_grad():
        c = m.head.classification_head.cls_logits
        c.weight.mul_(10.0)
        c.bias.zero_()
    return Detect(m)


class Encoder(nn.Module):
    """TransformerEncoder, 2 layers, d_model 64, with a key padding mask (bool, True = padded)."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(64, 4, 128, dropout=0.1, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Linear(64, 10)

    def forward(self, x, mask):
        return self.head(self.enc(x, src_key_padding_mask=mask))


class Rnn(nn.Module):
    def __init__(self, cell, bidirectional):
        super().__init__()
        self.rnn = cell(32, 64, num_layers=2, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(64 * (2 if bidirectional else 1), 10)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y)


class NnMix(nn.Module):
    """torch.nn layers the other entries do not have, in one small model: GroupNorm, InstanceNorm2d,
    ConvTranspose2d, a bilinear align_corners resize, PixelShuffle, Embedding, MultiheadAttention
    with a key padding mask from the tokens, a pre-norm TransformerDecoder (GELU) with a causal
    mask over the image's features, and TopK, CumSum and ArgMax on its logits."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 16, 3, padding=1)
        self.gn = nn.GroupNorm(4, 16)
        self.inorm = nn.InstanceNorm2d(16, affine=True)
        self.down = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.up = nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1)
        self.ps = nn.Conv2d(16, 12, 1)
        self.shuffle = nn.PixelShuffle(2)
        self.emb = nn.Embedding(50, 32)
        self.mha = nn.MultiheadAttention(32, 4, batch_first=True)
        layer = nn.TransformerDecoderLayer(32, 4, 64, batch_first=True, activation='gelu', norm_first=True)
        self.dec = nn.TransformerDecoder(layer, 2)
        self.head = nn.Linear(32, 10)

    def forward(self, x, tokens):
        y = self.inorm(torch.relu(self.gn(self.c1(x))))
        d = nn.functional.silu(self.down(y))
        u = nn.functional.interpolate(self.up(d) + y, scale_factor=0.5, mode='bilinear', align_corners=True)
        picture = self.shuffle(self.ps(u))
        e = self.emb(tokens)
        a, _ = self.mha(e, e, e, key_padding_mask=tokens == 0)
        steps = tokens.shape[1]
        causal = torch.triu(torch.full((steps, steps), float('-inf')), 1)
        h = self.dec(a, d.flatten(2).transpose(1, 2), tgt_mask=causal)
        logits = self.head(h)
        top = torch.topk(logits, 3, dim=-1)
        return picture.mean(dim=(2, 3)), logits.cumsum(1), top.values, top.indices, torch.argmax(logits, -1)


class Conformer(nn.Module):
    """One Conformer block (d_model 64, 4 heads): half-step feed-forwards with SiLU, MultiheadAttention,
    and the convolution module (pointwise Conv1d, GLU, depthwise Conv1d of 15 taps, BatchNorm1d, SiLU)."""

    def __init__(self, d=64, heads=4, taps=15):
        super().__init__()
        self.ff1 = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 4 * d), nn.SiLU(), nn.Linear(4 * d, d))
        self.ln_att = nn.LayerNorm(d)
        self.mha = nn.MultiheadAttention(d, heads, batch_first=True)
        self.ln_conv = nn.LayerNorm(d)
        self.pw1 = nn.Conv1d(d, 2 * d, 1)
        self.dw = nn.Conv1d(d, d, taps, padding=taps // 2, groups=d)
        self.bn = nn.BatchNorm1d(d)
        self.pw2 = nn.Conv1d(d, d, 1)
        self.ff2 = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 4 * d), nn.SiLU(), nn.Linear(4 * d, d))
        self.ln = nn.LayerNorm(d)

    def forward(self, x):
        x = x + 0.5 * self.ff1(x)
        y = self.ln_att(x)
        x = x + self.mha(y, y, y, need_weights=False)[0]
        y = nn.functional.glu(self.pw1(self.ln_conv(x).transpose(1, 2)), dim=1)
        x = x + self.pw2(nn.functional.silu(self.bn(self.dw(y)))).transpose(1, 2)
        return self.ln(x + 0.5 * self.ff2(x))


class ClipText(nn.Module):
    """A CLIP-style text encoder: token and position embeddings, 2 pre-norm layers (GELU) under a causal
    mask, the features at each sequence's largest token id (ArgMax + Gather), projected and L2-normalized."""

    def __init__(self, vocab=1000, length=16, d=64):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(length, d) * 0.02)
        layer = nn.TransformerEncoderLayer(d, 4, 4 * d, dropout=0.0, batch_first=True, activation='gelu', norm_first=True)
        self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.ln = nn.LayerNorm(d)
        self.proj = nn.Linear(d, 32, bias=False)
        self.register_buffer('mask', torch.triu(torch.full((length, length), float('-inf')), 1))

    def forward(self, ids):
        x = self.ln(self.enc(self.tok(ids) + self.pos, mask=self.mask))
        x = x[torch.arange(x.shape[0]), ids.argmax(dim=-1)]
        return nn.functional.normalize(self.proj(x), dim=-1)


@torch.jit.script
def _greedy(w: torch.Tensor, h: torch.Tensor, steps: int):
    out = torch.zeros(h.shape[0], 0, dtype=torch.long)
    for _ in range(steps):
        out = torch.cat([out, (h @ w).argmax(-1).unsqueeze(1)], 1)
        h = torch.tanh(h + w[:, 0])
    return out


class GreedyScript(nn.Module):
    """A TorchScript `for` loop (6 greedy steps, a growing token list): exported as a Loop whose body
    hands on the outer constant true as its condition."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(8, 8))
        self.l = nn.Linear(8, 8)

    def forward(self, x):
        return _greedy(self.w, self.l(x), 6)


def img(s):
    return [('input', [1, 3, s, s], 'float32')]


def quantized_mobilenet_v2():
    """torchvision's quantizable mobilenet_v2, post-training quantized by PyTorch in eager mode
    (qnnpack): BatchNorm stats recomputed in float first (calibrate), modules fused, observers run
    on random batches, converted; PyTorch exports it as a Q/DQ graph in its own form (Constant
    scales and zero points, a Cast between each QuantizeLinear and DequantizeLinear). The
    classifier's weights x20 spread the logits, which random weights leave within int8 steps of
    each other."""
    import torchvision.models.quantization as tq
    torch.backends.quantized.engine = 'qnnpack'
    m = calibrate(tq.mobilenet_v2(quantize=False), img(128), False)
    with torch.no_grad():
        m.classifier[1].weight.mul_(20)
    m.fuse_model()
    m.qconfig = torch.quantization.get_default_qconfig('qnnpack')
    torch.quantization.prepare(m, inplace=True)
    with torch.no_grad():
        for _ in range(3):
            m(torch.randn(2, 3, 128, 128))
    return torch.quantization.convert(m)


# name -> (category, source, builder, inputs [(name, shape, dtype)])
MODELS = {
    'resnet18': ('classification', 'torchvision.models.resnet18', lambda: tvm.resnet18(), img(128)),
    'resnet50': ('classification', 'torchvision.models.resnet50', lambda: tvm.resnet50(), img(128)),
    'mobilenet_v2': ('classification', 'torchvision.models.mobilenet_v2', lambda: tvm.mobilenet_v2(), img(128)),
    'mobilenet_v3_large': ('classification', 'torchvision.models.mobilenet_v3_large', lambda: tvm.mobilenet_v3_large(), img(128)),
    'efficientnet_b0': ('classification', 'torchvision.models.efficientnet_b0', lambda: tvm.efficientnet_b0(), img(128)),
    'googlenet': ('classification', 'torchvision.models.googlenet(aux_logits=False)',
                  lambda: tvm.googlenet(aux_logits=False, init_weights=True), img(128)),
    'inception_v3': ('classification', 'torchvision.models.inception_v3(aux_logits=False)',
                     lambda: tvm.inception_v3(aux_logits=False, init_weights=True), img(160)),
    'densenet121': ('classification', 'torchvision.models.densenet121', lambda: tvm.densenet121(), img(128)),
    'squeezenet1_1': ('classification', 'torchvision.models.squeezenet1_1', lambda: tvm.squeezenet1_1(), img(128)),
    'shufflenet_v2_x1_0': ('classification', 'torchvision.models.shufflenet_v2_x1_0', lambda: tvm.shufflenet_v2_x1_0(), img(128)),
    'regnet_y_400mf': ('classification', 'torchvision.models.regnet_y_400mf', lambda: tvm.regnet_y_400mf(), img(128)),
    'convnext_tiny': ('classification', 'torchvision.models.convnext_tiny', lambda: tvm.convnext_tiny(), img(128)),
    'mnasnet1_0': ('classification', 'torchvision.models.mnasnet1_0', lambda: tvm.mnasnet1_0(), img(128)),
    'vit_b_16': ('classification', 'torchvision.models.vit_b_16', lambda: tvm.vit_b_16(), img(224)),
    'swin_t': ('classification', 'torchvision.models.swin_t', lambda: tvm.swin_t(), img(224)),
    'deeplabv3_mobilenet_v3_large': ('segmentation', 'torchvision.models.segmentation.deeplabv3_mobilenet_v3_large',
                                     lambda: SegOut(tvs.deeplabv3_mobilenet_v3_large(weights_backbone=None)), img(224)),
    'fcn_resnet50': ('segmentation', 'torchvision.models.segmentation.fcn_resnet50',
                     lambda: SegOut(tvs.fcn_resnet50(weights_backbone=None)), img(224)),
    'lraspp_mobilenet_v3_large': ('segmentation', 'torchvision.models.segmentation.lraspp_mobilenet_v3_large',
                                  lambda: SegOut(tvs.lraspp_mobilenet_v3_large(weights_backbone=None)), img(224)),
    'fasterrcnn_mobilenet_v3_large_320_fpn': ('detection', 'torchvision.models.detection.fasterrcnn_mobilenet_v3_large_320_fpn',
                                              lambda: Detect(tvd.fasterrcnn_mobilenet_v3_large_320_fpn(weights_backbone=None, box_score_thresh=0.0)), img(320)),
    'ssdlite320_mobilenet_v3_large': ('detection', 'torchvision.models.detection.ssdlite320_mobilenet_v3_large',
                                      lambda: Detect(tvd.ssdlite320_mobilenet_v3_large(weights_backbone=None)), img(320)),
    'r3d_18': ('video', 'torchvision.models.video.r3d_18', lambda: tvv.r3d_18(), [('input', [1, 3, 8, 112, 112], 'float32')]),
    'transformer_encoder': ('nlp', 'torch.nn.TransformerEncoder(2 layers, d_model 64, 4 heads) + Linear, bool src_key_padding_mask',
                            lambda: Encoder(), [('x', [1, 16, 64], 'float32'), ('src_key_padding_mask', [1, 16], 'bool')]),
    'lstm': ('rnn', 'torch.nn.LSTM(32, 64, 2 layers, batch_first) + Linear', lambda: Rnn(nn.LSTM, False), [('x', [1, 16, 32], 'float32')]),
    'gru_bidir': ('rnn', 'torch.nn.GRU(32, 64, 2 layers, bidirectional, batch_first) + Linear',
                  lambda: Rnn(nn.GRU, True), [('x', [1, 16, 32], 'float32')]),
    # After the others: a model's seed is SEED + its index, so new entries go last.
    'gpt2_decode': ('nlp', 'bench/transformer_models.py GPT2 (2 layers, width 128, 4 heads): one-token decode after a KV cache of 15',
                    lambda: tm.GPT2(GPT2_ZOO), [('input_ids', [1, 1], 'int64'), ('past_key', [2, 1, 4, 15, 32], 'float32'),
                                                ('past_value', [2, 1, 4, 15, 32], 'float32')]),
    'gpt2_prefill': ('nlp', 'bench/transformer_models.py GPT2 (2 layers, width 128, 4 heads): prefill of 16 tokens, causal mask',
                     lambda: tm.GPT2(GPT2_ZOO), [('input_ids', [1, 16], 'int64')]),
    'whisper_encoder': ('audio', 'bench/transformer_models.py WhisperEncoder (2 layers, width 128, 4 heads, 80 mels x 400 frames)',
                        lambda: tm.WhisperEncoder(WHISPER_ZOO), [('mel', [1, 80, 400], 'float32')]),
    # Added 2026-12-06 (a new user's models: detectors whose heads end in NonZero/TopK/NMS, RAFT's grid
    # sampling, MaxViT's block attention). torchvision's swin_v2_t and vgg11_bn do not export with
    # the TorchScript exporter (aten::zero; adaptive pooling to a non-divisor), so they are not here.
    'mobilenet_v3_small': ('classification', 'torchvision.models.mobilenet_v3_small', lambda: tvm.mobilenet_v3_small(), img(128)),
    'efficientnet_v2_s': ('classification', 'torchvision.models.efficientnet_v2_s', lambda: tvm.efficientnet_v2_s(), img(128)),
    'resnext50_32x4d': ('classification', 'torchvision.models.resnext50_32x4d', lambda: tvm.resnext50_32x4d(), img(128)),
    'maxvit_t': ('classification', 'torchvision.models.maxvit_t', lambda: tvm.maxvit_t(), img(224)),
    'raft_small': ('optical flow', 'torchvision.models.optical_flow.raft_small (4 flow updates)', lambda: Flow(tvo.raft_small()),
                   [('a', [1, 3, 128, 128], 'float32'), ('b', [1, 3, 128, 128], 'float32')]),
    'fcos_resnet50_fpn': ('detection', 'torchvision.models.detection.fcos_resnet50_fpn (320x320, score_thresh 0)',
                          lambda: Detect(tvd.fcos_resnet50_fpn(weights_backbone=None, min_size=320, max_size=320, score_thresh=0.0)),
                          img(320)),
    'retinanet_resnet50_fpn': ('detection', 'torchvision.models.detection.retinanet_resnet50_fpn (320x320, score_thresh 0, class logits spread, top 20 of 100 per level)',
                               lambda: spread_logits(tvd.retinanet_resnet50_fpn(weights_backbone=None, min_size=320,
                                                                                max_size=320, score_thresh=0.0,
                                                                                detections_per_img=20, topk_candidates=100)),
                               img(320)),
    'keypointrcnn_resnet50_fpn': ('detection', 'torchvision.models.detection.keypointrcnn_resnet50_fpn (320x320)',
                                  lambda: Detect(tvd.keypointrcnn_resnet50_fpn(weights_backbone=None, min_size=320, max_size=320)),
                                  img(320)),
    # Added 2026-12-07 (a sweep of models the zoo did not have; all passed --compare at once).
    'alexnet': ('classification', 'torchvision.models.alexnet', lambda: tvm.alexnet(), img(224)),
    'vit_b_32': ('classification', 'torchvision.models.vit_b_32', lambda: tvm.vit_b_32(), img(224)),
    'r2plus1d_18': ('video', 'torchvision.models.video.r2plus1d_18', lambda: tvv.r2plus1d_18(),
                    [('input', [1, 3, 4, 56, 56], 'float32')]),
    'torch_nn_mix': ('nlp', 'bench/zoo/export.py NnMix: GroupNorm, InstanceNorm, ConvTranspose, PixelShuffle, MultiheadAttention '
                     'with a key padding mask, TransformerDecoder with a causal mask, TopK/CumSum/ArgMax',
                     lambda: NnMix(), [('x', [1, 3, 32, 32], 'float32'), ('tokens', [1, 8], 'int64')]),
    # Added 2026-12-07, later: a Q/DQ model as PyTorch writes one (the int8 models above are
    # hybridrt's own quantize()'s, in bench/int8-cpu.ts).
    'q_mobilenet_v2_torch': ('classification', 'torchvision.models.quantization.mobilenet_v2, PyTorch eager post-training '
                             'quantization (qnnpack), exported as Q/DQ', quantized_mobilenet_v2, img(128)),
    # Added 2026-12-07, sweep 3 (models a new user tried): a Conformer block, a CLIP-style text
    # encoder, a TorchScript loop (unrolled since f87a89e).
    'conformer_block': ('audio', 'bench/zoo/export.py Conformer: one block, d_model 64, depthwise Conv1d, GLU, MultiheadAttention',
                        lambda: Conformer(), [('x', [1, 50, 64], 'float32')]),
    'clip_text_encoder': ('nlp', 'bench/zoo/export.py ClipText: causal mask, ArgMax + Gather pooling, L2 normalize',
                          lambda: ClipText(), [('ids', [1, 16], 'int64')]),
    'greedy_loop_script': ('nlp', 'bench/zoo/export.py GreedyScript: a torch.jit.script for loop of 6 steps (ONNX Loop)',
                           lambda: GreedyScript(), [('x', [3, 8], 'float32')]),
}

DTYPES = {'float32': torch.float32, 'bool': torch.bool, 'int64': torch.int64}


def example(inputs, batch=1):
    """Tensors of `inputs` at their shapes; with `batch`, dim 0 replaced (calibration batches)."""
    out = []
    for _, shape, dtype in inputs:
        shape = shape if batch == 1 else [batch] + shape[1:]
        if dtype == 'bool':  # padding mask: pad the last quarter
            t = torch.zeros(shape, dtype=torch.bool)
            t[..., -shape[-1] // 4:] = True
            out.append(t)
        elif dtype == 'int64':  # token ids: in [0, 10), as hybrid-run's random integers
            out.append(torch.randint(0, 10, shape))
        else:
            out.append(torch.randn(shape))
    return tuple(out)


def calibrate(model, inputs, detection):
    """Recompute BatchNorm running stats: 4 no-grad passes on random normal batches, momentum=None."""
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() >= 2 and not p.any():  # zero-initialised weights
                p.normal_(0, 0.02)
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    if bns:
        if detection:  # train mode would need targets: BatchNorm alone in train mode
            model.eval()
            for m in bns:
                m.train()
        else:
            model.train()
        with torch.no_grad():
            for _ in range(4):
                model(*example(inputs, 4))
    return model.eval()


# The TorchScript exporter, which these models were first exported with; torch >= 2.9 (the GPU
# machine's) defaults to the dynamo one, which writes other graphs.
TORCHSCRIPT_EXPORTER = {'dynamo': False} if 'dynamo' in inspect.signature(torch.onnx.export).parameters else {}


def export(name, spec, path):
    category, _, build, inputs = spec
    model = calibrate(build(), inputs, category == 'detection')
    args = example(inputs)
    names = [n for n, _, _ in inputs]
    errors = []
    for opset in OPSETS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                torch.onnx.export(model, args, path, opset_version=opset, input_names=names,
                                  do_constant_folding=True, **TORCHSCRIPT_EXPORTER)
            return opset, errors
        except Exception as e:  # noqa: BLE001 -- next opset
            errors.append(f'opset {opset}: {type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ""}')
            if os.path.exists(path):
                os.remove(path)
    raise RuntimeError('; '.join(errors))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('models_dir', nargs='?', default=os.path.join(REPO, '.zoo', 'models'))
    ap.add_argument('--only', default='')
    ap.add_argument('--force', action='store_true')
    a = ap.parse_args()
    os.makedirs(a.models_dir, exist_ok=True)
    manifest_path = os.path.join(a.models_dir, 'manifest.json')
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    only = set(filter(None, a.only.split(',')))
    skipped = {}
    for i, (name, spec) in enumerate(MODELS.items()):
        if only and name not in only:
            continue
        torch.manual_seed(SEED + i)
        path = os.path.join(a.models_dir, name + '.onnx')
        opset = manifest.get(name, {}).get('opset')
        if a.force or not os.path.exists(path) or opset is None:
            try:
                opset, notes = export(name, spec, path)
            except Exception as e:  # noqa: BLE001 -- skip, keep going
                skipped[name] = f'{type(e).__name__}: {e}'
                print(f'SKIP {name}: {skipped[name]}', flush=True)
                continue
            for n in notes:
                print(f'  {name}: {n}')
        manifest[name] = {
            'file': name + '.onnx',
            'inputs': [{'name': n, 'shape': s, 'dtype': d} for n, s, d in spec[3]],
            'category': spec[0],
            'source': spec[1] + ' (random init, BatchNorm stats recomputed; torch ' + torch.__version__ + ')',
            'opset': opset,
        }
        print(f'ok   {name}: opset {opset}, {os.path.getsize(path) / 2**20:.1f} MiB', flush=True)
        with open(manifest_path, 'w') as f:
            json.dump(dict(sorted(manifest.items())), f, indent=1)
    print(f'{len(manifest)} models in {manifest_path}; skipped {len(skipped)}: {", ".join(skipped) or "none"}')


if __name__ == '__main__':
    sys.exit(main())
