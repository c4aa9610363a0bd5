#!/usr/bin/python3
"""Bench-only PyTorch peer of one fused-model training step (bench/training-step.bench.ts).

The same step HeartMind takes in jax-js (src/shared/train/finetune.ts, fitFull): two CBraMod
encoders (the independent PyTorch build in test/shared/model/fixtures/cbramod_reference.py), mean
pooling over channels and patches, concatenation, a Linear-ELU-Dropout-Linear head, BCE with logits,
global gradient-norm clipping at 1, AdamW with two parameter groups. Dropout on (train mode).
On the CPU, timed with one intra-op thread, as the jax-js WASM backend runs on one core; with
device 'cuda' (bench/webgpu.bench.ts) on the GPU, synchronised after each step.

Usage: torch_train_step.py <layers> <batch> <eeg_channels> <ecg_leads> <seconds> <steps> [cpu|cuda]
Prints JSON: {"ms": [per-step wall ms], "params": n, "threads": t, "device": "..."}
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'shared', 'model', 'fixtures'))
from cbramod_reference import CBraMod  # noqa: E402


class Fused(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.eeg = CBraMod(layers)
        self.ecg = CBraMod(layers)
        self.fc1 = nn.Linear(400, 200)
        self.drop = nn.Dropout(0.1)
        self.fc2 = nn.Linear(200, 1)

    def forward(self, eeg, ecg):
        fe = self.eeg.encoder(self.eeg.patch_embedding(eeg)).mean(dim=(1, 2))
        fc = self.ecg.encoder(self.ecg.patch_embedding(ecg)).mean(dim=(1, 2))
        return self.fc2(self.drop(F.elu(self.fc1(torch.cat([fe, fc], 1)))))


def main():
    layers, batch, c, l, secs, steps = (int(v) for v in sys.argv[1:7])
    cuda = len(sys.argv) > 7 and sys.argv[7] == 'cuda' and torch.cuda.is_available()
    device = torch.device('cuda' if cuda else 'cpu')
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = Fused(layers).train().to(device)
    backbone = [p for n, p in model.named_parameters() if n.startswith(('eeg.', 'ecg.')) and p.requires_grad]
    head = [p for n, p in model.named_parameters() if n.startswith('fc')]
    opt = torch.optim.AdamW([{'params': backbone, 'lr': 1e-4 * (batch / 64) ** 0.5}, {'params': head, 'lr': 5e-4 * (batch / 64) ** 0.5}], weight_decay=0.05)
    eeg = (torch.randn(batch, c, secs, 200) * 0.3).to(device)
    ecg = (torch.randn(batch, l, secs, 200) * 3).to(device)
    y = (torch.arange(batch) % 2).float().reshape(batch, 1).to(device)
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = F.binary_cross_entropy_with_logits(model(eeg, ecg), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if cuda:
            torch.cuda.synchronize()
        times.append((time.perf_counter() - t) * 1000)
    print(json.dumps({'ms': times, 'params': sum(p.numel() for p in model.parameters()), 'threads': torch.get_num_threads(), 'device': torch.cuda.get_device_name(device) if cuda else 'cpu'}))


if __name__ == '__main__':
    main()
