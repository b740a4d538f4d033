#!/usr/bin/env python3
"""Expected values for OptimizerParityTest: torch.optim on a fixed quadratic, float64, 10 steps.

loss(p) = 1/2 vec(p)^T Q vec(p) - b^T vec(p) for a parameter p of shape [2, 3]; Q (6x6, SPD) and b are fixed
below. Each configuration starts from the same p0 and records p after every step.

Run (Debian python3-torch 1.13):
  /usr/bin/python3 src/test/python/optimizer_reference.py > src/test/resources/optim/pytorch-quadratic.json
"""
import json
import torch

torch.set_default_dtype(torch.float64)
Q = torch.tensor([[4.0, 1.0, 0.5, 0.0, 0.2, 0.1],
                  [1.0, 3.0, 0.3, 0.1, 0.0, 0.2],
                  [0.5, 0.3, 2.5, 0.4, 0.1, 0.0],
                  [0.0, 0.1, 0.4, 2.0, 0.3, 0.2],
                  [0.2, 0.0, 0.1, 0.3, 1.5, 0.1],
                  [0.1, 0.2, 0.0, 0.2, 0.1, 1.0]])
b = torch.tensor([1.0, -2.0, 0.5, 3.0, -1.0, 0.25])
p0 = torch.tensor([[0.3, -0.7, 1.1], [-1.3, 0.4, 0.9]])

CONFIGS = [
    ("sgd", dict(lr=0.05)),
    ("sgd", dict(lr=0.05, weight_decay=0.1)),
    ("sgd", dict(lr=0.05, momentum=0.9)),
    ("sgd", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("rmsprop", dict(lr=0.01, alpha=0.9, eps=1e-8)),
    ("rmsprop", dict(lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.01)),
    ("adam", dict(lr=0.01)),
    ("adam", dict(lr=0.02, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.05)),
]


def run(kind, kw):
    p = p0.clone().requires_grad_(True)
    opt = {"sgd": torch.optim.SGD, "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam}[kind]([p], **kw)
    traj = []
    for _ in range(10):
        opt.zero_grad()
        v = p.reshape(-1)
        loss = 0.5 * v @ Q @ v - b @ v
        loss.backward()
        opt.step()
        traj.append(p.detach().clone().tolist())
    return traj


out = {"generated_with": "torch " + torch.__version__ + " float64, src/test/python/optimizer_reference.py",
       "Q": Q.tolist(), "b": b.tolist(), "p0": p0.tolist(),
       "cases": [{"optimizer": k, "options": {kk: (list(vv) if isinstance(vv, tuple) else vv) for kk, vv in kw.items()},
                  "trajectory": run(k, kw)} for k, kw in CONFIGS]}
print(json.dumps(out, indent=1))
