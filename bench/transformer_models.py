"""GPT-2 and a Whisper-style audio encoder in plain torch.nn, for the GPU benchmark
(gpu-models.py, gpu-bench.py) and the zoo (zoo/export.py).

Written here rather than taken from transformers so that the same module exports with Debian's
PyTorch 1.13 (the zoo, on machines without transformers) and the GPU machine's 2.x, and so
that GPT-2's KV cache is plain tensors in and out. Both follow their reference implementations'
layer order and arithmetic (Hugging Face GPT2Model with its eager attention and gelu_new;
Whisper's encoder as Hugging Face WhisperEncoder writes it, the query scaled before its
product with the keys); weights are random (torch.manual_seed by the caller).

GPT2(cfg)(input_ids[, past_key, past_value]) -> (logits of the last position [B, 1, vocab],
present_key, present_value): the cache of all layers stacked, [layers, B, heads, positions,
head size]; prefill is a call without a cache, one-token decode a call with input_ids [B, 1]
and the cache of the positions before it (a single query sees every key: no mask).

WhisperEncoder(cfg)(mel [B, mels, frames]) -> hidden states [B, frames / 2, width].
"""
import math

import torch
import torch.nn as nn

GPT2_SMALL = {'layers': 12, 'width': 768, 'heads': 12, 'positions': 1024, 'vocab': 50257}
WHISPER_BASE = {'layers': 6, 'width': 512, 'heads': 8, 'mels': 80, 'frames': 3000}


def gelu_new(x):
    """GPT-2's activation: the tanh approximation of GELU, as Hugging Face's NewGELUActivation."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Gpt2Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(width, eps=1e-5)
        self.c_attn = nn.Linear(width, 3 * width)
        self.c_proj = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width, eps=1e-5)
        self.c_fc = nn.Linear(width, 4 * width)
        self.mlp_proj = nn.Linear(4 * width, width)

    def forward(self, x, past_k, past_v, mask):
        b, s, d = x.shape
        h, dh = self.heads, d // self.heads
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        q, k, v = (t.view(b, s, h, dh).transpose(1, 2) for t in (q, k, v))
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(dh)
        if mask is not None:
            scores = scores + mask
        y = torch.matmul(scores.softmax(dim=-1), v).transpose(1, 2).reshape(b, s, d)
        x = x + self.c_proj(y)
        x = x + self.mlp_proj(gelu_new(self.c_fc(self.ln_2(x))))
        return x, k, v


class GPT2(nn.Module):
    def __init__(self, cfg=None):
        super().__init__()
        cfg = cfg or GPT2_SMALL
        self.wte = nn.Embedding(cfg['vocab'], cfg['width'])
        self.wpe = nn.Embedding(cfg['positions'], cfg['width'])
        self.h = nn.ModuleList(Gpt2Block(cfg['width'], cfg['heads']) for _ in range(cfg['layers']))
        self.ln_f = nn.LayerNorm(cfg['width'], eps=1e-5)
        # The additive causal mask of every position: query i sees keys 0 .. i (Hugging Face keeps
        # the same triangle as a buffer); a call slices its rows and keys, a constant when traced.
        n = cfg['positions']
        self.register_buffer('causal', torch.full((n, n), float('-inf')).triu(1), persistent=False)
        for p in self.parameters():  # GPT-2's initialisation: N(0, 0.02) weights
            if p.dim() >= 2:
                nn.init.normal_(p, 0.0, 0.02)

    def forward(self, input_ids, past_key=None, past_value=None):
        s = input_ids.shape[1]
        past = 0 if past_key is None else past_key.shape[3]
        positions = torch.arange(past, past + s, device=input_ids.device)
        x = self.wte(input_ids) + self.wpe(positions)
        mask = self.causal[past:past + s, :past + s] if s > 1 else None
        keys, values = [], []
        for i, block in enumerate(self.h):
            pk = None if past_key is None else past_key[i]
            pv = None if past_value is None else past_value[i]
            x, k, v = block(x, pk, pv, mask)
            keys.append(k)
            values.append(v)
        x = self.ln_f(x[:, -1:, :])
        logits = torch.matmul(x, self.wte.weight.t())
        return logits, torch.stack(keys), torch.stack(values)


def sinusoids(length, channels):
    """Whisper's positional embedding: sin and cos of log-spaced timescales."""
    increment = math.log(10000) / (channels // 2 - 1)
    inv = torch.exp(-increment * torch.arange(channels // 2, dtype=torch.float32))
    t = torch.arange(length, dtype=torch.float32)[:, None] * inv[None, :]
    return torch.cat([torch.sin(t), torch.cos(t)], dim=1)


class WhisperBlock(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(width)
        self.q_proj = nn.Linear(width, width)
        self.k_proj = nn.Linear(width, width, bias=False)
        self.v_proj = nn.Linear(width, width)
        self.out_proj = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width)
        self.fc1 = nn.Linear(width, 4 * width)
        self.fc2 = nn.Linear(4 * width, width)

    def forward(self, x):
        b, s, d = x.shape
        h, dh = self.heads, d // self.heads
        y = self.ln_1(x)
        q = self.q_proj(y) * dh ** -0.5
        q, k, v = (t.view(b, s, h, dh).transpose(1, 2) for t in (q, self.k_proj(y), self.v_proj(y)))
        y = torch.matmul(torch.matmul(q, k.transpose(-1, -2)).softmax(dim=-1), v)
        x = x + self.out_proj(y.transpose(1, 2).reshape(b, s, d))
        return x + self.fc2(nn.functional.gelu(self.fc1(self.ln_2(x))))


class WhisperEncoder(nn.Module):
    def __init__(self, cfg=None):
        super().__init__()
        cfg = cfg or WHISPER_BASE
        d = cfg['width']
        self.conv1 = nn.Conv1d(cfg['mels'], d, 3, padding=1)
        self.conv2 = nn.Conv1d(d, d, 3, stride=2, padding=1)
        self.register_buffer('positions', sinusoids(cfg['frames'] // 2, d))
        self.blocks = nn.ModuleList(WhisperBlock(d, cfg['heads']) for _ in range(cfg['layers']))
        self.ln_post = nn.LayerNorm(d)

    def forward(self, mel):
        x = nn.functional.gelu(self.conv1(mel))
        x = nn.functional.gelu(self.conv2(x)).permute(0, 2, 1)
        x = x + self.positions[: x.shape[1]]
        for block in self.blocks:
            x = block(x)
        return self.ln_post(x)
