#!/usr/bin/python3
"""Bench-only PyTorch peer of the fused model's forward pass, batch 1 (bench/webgpu.bench.ts).

The independent PyTorch build of the architecture (bench/peers/torch_train_step.py's Fused: two
CBraMod encoders, mean pooling, concatenation, head), in eval mode without gradients, on the device
asked for (cuda when present, else cpu). Synchronises the GPU after each forward, so a time is the
whole forward.

Usage: torch_forward.py <layers> <eeg_channels> <ecg_leads> <seconds> <device> [runs]
Prints JSON: {"ms": [per-forward wall ms, the first one included], "device": "..."}
"""
import json
import sys
import time

import torch

from torch_train_step import Fused


def main():
    layers, c, l, secs = (int(v) for v in sys.argv[1:5])
    want = sys.argv[5]
    runs = int(sys.argv[6]) if len(sys.argv) > 6 else 50
    device = torch.device('cuda' if want == 'cuda' and torch.cuda.is_available() else 'cpu')
    torch.manual_seed(0)
    model = Fused(layers).eval().to(device)
    eeg = (torch.randn(1, c, secs, 200) * 0.3).to(device)
    ecg = (torch.randn(1, l, secs, 200) * 3).to(device)
    times = []
    with torch.no_grad():
        for _ in range(runs):
            t = time.perf_counter()
            model(eeg, ecg)
            if device.type == 'cuda':
                torch.cuda.synchronize()
            times.append((time.perf_counter() - t) * 1000)
    name = torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu'
    print(json.dumps({'ms': times, 'device': name}))


if __name__ == '__main__':
    main()
