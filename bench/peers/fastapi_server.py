"""The usual Python way to serve a response model: FastAPI + uvicorn + PyTorch.

The bench's peer for `densely serve` (bench/serve.ts). It serves the same densely model file
(DENSELY_MODEL), with the same REST shape, `POST /v1/models/NAME:predict` taking
{"instances": [{column: value, ...}, ...]} and answering {"predictions": [[p], ...]}, and it does
the same work per request: each instance's raw columns are encoded as the model's saved CSV
preparation says (numbers standardized, categories one-hot, unseen categories all zeros), then
scored by the Dense stack in torch, on one thread per worker (uvicorn --workers gives the cores).

Run: DENSELY_MODEL=model.json python3 -m uvicorn fastapi_server:app --workers 2 --port 8601
Needs Debian's python3-fastapi, python3-uvicorn and python3-torch (the bench skips it otherwise).
"""
import json
import os

import torch
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import Response

torch.set_num_threads(1)

with open(os.environ["DENSELY_MODEL"], encoding="utf-8") as f:
    DOC = json.load(f)

NAME = os.environ.get("DENSELY_NAME", "model")
COLUMNS = DOC["preparation"]["preprocessor"]["columns"]
WIDTH = sum(len(c["categories"]) if c["type"] == "onehot" else 1 for c in COLUMNS)

# the Dense stack, weights from the densely file (kernels are [in, out], row-major)
_layers = []
_weights = {w["name"]: w for w in DOC["weights"]}
for spec in DOC["layers"]:
    kernel = _weights[spec["name"] + "/kernel"]
    lin = torch.nn.Linear(kernel["shape"][0], kernel["shape"][1])
    with torch.no_grad():
        lin.weight.copy_(torch.tensor(kernel["values"], dtype=torch.float32).reshape(kernel["shape"]).T)
        lin.bias.copy_(torch.tensor(_weights[spec["name"] + "/bias"]["values"], dtype=torch.float32))
    _layers.append(lin)
    _layers.append({"relu": torch.nn.ReLU(), "sigmoid": torch.nn.Sigmoid(), "tanh": torch.nn.Tanh()}.get(spec["activation"], torch.nn.Identity()))
MODEL = torch.nn.Sequential(*_layers).eval()

# per column: (offset, kind, mean, std, category → index)
PLAN = []
_o = 0
for c in COLUMNS:
    if c["type"] == "onehot":
        PLAN.append((_o, "onehot", 0.0, 1.0, {v: k for k, v in enumerate(c["categories"])}))
        _o += len(c["categories"])
    else:
        PLAN.append((_o, c["type"], c.get("mean", 0.0), c.get("std", 1.0), None))
        _o += 1

app = FastAPI()


def encode(instances):
    rows = torch.zeros((len(instances), WIDTH), dtype=torch.float32)
    data = rows.numpy()
    for i, inst in enumerate(instances):
        for (offset, kind, mean, std, cats), c in zip(PLAN, COLUMNS):
            if c["name"] not in inst:
                raise HTTPException(status_code=400, detail=f"instance {i}: missing column '{c['name']}'")
            v = inst[c["name"]]
            if kind == "onehot":
                k = cats.get(str(v))
                if k is not None:
                    data[i, offset + k] = 1.0
            else:
                try:
                    x = float(v)
                except (TypeError, ValueError):
                    raise HTTPException(status_code=400, detail=f"instance {i}, column '{c['name']}': expected a number")
                data[i, offset] = (x - mean) / std if kind == "standardize" else x
    return rows


@app.post("/v1/models/{name}:predict")
async def predict(name: str, request: Request):
    if name != NAME:
        raise HTTPException(status_code=404, detail=f"no model named {name!r}")
    body = json.loads(await request.body())
    X = encode(body["instances"])
    with torch.no_grad():
        p = MODEL(X)
    return Response(content=json.dumps({"predictions": p.tolist()}), media_type="application/json")


@app.get("/healthz")
async def healthz():
    return {"ok": True}
