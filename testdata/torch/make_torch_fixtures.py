# Generates small reference files with real PyTorch (run on the device machine, which has torch):
# torch.save pickles (zip and legacy formats), a textual-inversion .pt, and tiny random-weight
# ESRGAN/RRDBNet models (new Real-ESRGAN keys and old ESRGAN keys) with input/output goldens.
import os, tarfile, io, json, collections
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

out = os.path.join(os.environ.get("OUT", "/tmp/out"), "gen")
os.makedirs(out, exist_ok=True)
torch.manual_seed(1234)
meta = {"torch": torch.__version__}

# ---- pickles ---------------------------------------------------------------------------------
base = torch.randn(6, 5)
sd = collections.OrderedDict()
sd["layer.weight"] = torch.randn(4, 3)
sd["layer.bias"] = torch.randn(4)
sd["half.weight"] = torch.randn(3, 2).half()
sd["bf16.weight"] = torch.randn(2, 3).bfloat16()
sd["f64.value"] = torch.randn(3).double()
sd["ids"] = torch.arange(7, dtype=torch.int64).reshape(1, 7)
sd["int32"] = torch.tensor([1, -2, 3], dtype=torch.int32)
sd["u8"] = torch.tensor([0, 7, 255], dtype=torch.uint8)
sd["flag"] = torch.tensor([True, False, True])
sd["scalar"] = torch.tensor(2.5)
sd["transposed"] = base.t()              # non-contiguous view (strides (1, 5))
sd["slice"] = base[2:4]                  # storage offset 10, shares base's storage
sd["base"] = base
sd["param"] = nn.Parameter(torch.randn(2, 2))
ckpt = {"state_dict": sd, "global_step": 1234, "epoch": 3}
torch.save(ckpt, os.path.join(out, "state_dict_zip.ckpt"))
torch.save(ckpt, os.path.join(out, "state_dict_legacy.ckpt"), _use_new_zipfile_serialization=False)
torch.save(sd, os.path.join(out, "plain_state_dict.bin"))
# expected values (contiguous) for the test
expected = {k: (v.detach().float().contiguous() if v.dtype != torch.bool else v.float()) for k, v in sd.items()}
save_file({k: v.clone().contiguous() for k, v in expected.items()}, os.path.join(out, "state_dict_expected.safetensors"))

# textual inversion embedding in the webui's .pt format
emb = {"string_to_token": {"*": 265}, "string_to_param": {"*": nn.Parameter(torch.randn(2, 64))},
       "name": "tiny-emb", "step": 100, "sd_checkpoint": "abc123", "sd_checkpoint_name": "tiny-sd15"}
torch.save(emb, os.path.join(out, "tiny-emb.pt"))
save_file({"emb": emb["string_to_param"]["*"].detach().contiguous()}, os.path.join(out, "tiny-emb.expected.safetensors"))

# ---- RRDBNet (ESRGAN) --------------------------------------------------------------------------
class RDB(nn.Module):
    def __init__(s, nf, gc):
        super().__init__()
        s.conv1 = nn.Conv2d(nf, gc, 3, 1, 1); s.conv2 = nn.Conv2d(nf + gc, gc, 3, 1, 1)
        s.conv3 = nn.Conv2d(nf + 2 * gc, gc, 3, 1, 1); s.conv4 = nn.Conv2d(nf + 3 * gc, gc, 3, 1, 1)
        s.conv5 = nn.Conv2d(nf + 4 * gc, nf, 3, 1, 1); s.l = nn.LeakyReLU(0.2)
    def forward(s, x):
        x1 = s.l(s.conv1(x)); x2 = s.l(s.conv2(torch.cat((x, x1), 1)))
        x3 = s.l(s.conv3(torch.cat((x, x1, x2), 1))); x4 = s.l(s.conv4(torch.cat((x, x1, x2, x3), 1)))
        x5 = s.conv5(torch.cat((x, x1, x2, x3, x4), 1))
        return x5 * 0.2 + x

class RRDB(nn.Module):
    def __init__(s, nf, gc):
        super().__init__(); s.rdb1 = RDB(nf, gc); s.rdb2 = RDB(nf, gc); s.rdb3 = RDB(nf, gc)
    def forward(s, x):
        return s.rdb3(s.rdb2(s.rdb1(x))) * 0.2 + x

class RRDBNet(nn.Module):  # Real-ESRGAN's basicsr layout
    def __init__(s, scale, nf, nb, gc):
        super().__init__()
        s.scale = scale
        in_ch = 3 * (4 if scale == 2 else 16 if scale == 1 else 1)
        s.conv_first = nn.Conv2d(in_ch, nf, 3, 1, 1)
        s.body = nn.Sequential(*[RRDB(nf, gc) for _ in range(nb)])
        s.conv_body = nn.Conv2d(nf, nf, 3, 1, 1)
        s.conv_up1 = nn.Conv2d(nf, nf, 3, 1, 1); s.conv_up2 = nn.Conv2d(nf, nf, 3, 1, 1)
        s.conv_hr = nn.Conv2d(nf, nf, 3, 1, 1); s.conv_last = nn.Conv2d(nf, 3, 3, 1, 1)
        s.l = nn.LeakyReLU(0.2)
    def forward(s, x):
        if s.scale == 2: x = F.pixel_unshuffle(x, 2)
        elif s.scale == 1: x = F.pixel_unshuffle(x, 4)
        feat = s.conv_first(x)
        feat = feat + s.conv_body(s.body(feat))
        feat = s.l(s.conv_up1(F.interpolate(feat, scale_factor=2, mode="nearest")))
        feat = s.l(s.conv_up2(F.interpolate(feat, scale_factor=2, mode="nearest")))
        return s.conv_last(s.l(s.conv_hr(feat)))

def perturb(m):
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.05 * torch.randn_like(p))
            p.copy_(p.half().float())  # exactly representable in f16

def old_keys(sd, nb):
    """basicsr keys -> the original ESRGAN 'model.N' keys (4x-UltraSharp, NMKD, old ESRGAN)."""
    m = {}
    for k, v in sd.items():
        n = k
        if k.startswith("conv_first."): n = "model.0." + k.split(".", 1)[1]
        elif k.startswith("body."):
            parts = k.split(".")  # body.i.rdbJ.convK.weight
            n = f"model.1.sub.{parts[1]}.RDB{parts[2][3:]}.{parts[3]}.0.{parts[4]}"
        elif k.startswith("conv_body."): n = f"model.1.sub.{nb}." + k.split(".", 1)[1]
        elif k.startswith("conv_up1."): n = "model.3." + k.split(".", 1)[1]
        elif k.startswith("conv_up2."): n = "model.6." + k.split(".", 1)[1]
        elif k.startswith("conv_hr."): n = "model.8." + k.split(".", 1)[1]
        elif k.startswith("conv_last."): n = "model.10." + k.split(".", 1)[1]
        m[n] = v
    return m

for scale, nb, name in [(4, 2, "tiny-esrgan-x4"), (2, 1, "tiny-esrgan-x2")]:
    net = RRDBNet(scale, 16, nb, 8).eval(); perturb(net)
    x = torch.rand(1, 3, 20, 28)
    with torch.no_grad():
        y = net(x)
    state = {k: v.half() for k, v in net.state_dict().items()}
    torch.save(state, os.path.join(out, name + ".pth"))
    if scale == 4:
        torch.save({k: v for k, v in old_keys(state, nb).items()}, os.path.join(out, name + "-oldkeys.pth"))
        save_file(state, os.path.join(out, name + ".safetensors"))
    save_file({"input": x, "output": y}, os.path.join(out, name + ".golden.safetensors"))

json.dump(meta, open(os.path.join(out, "meta.json"), "w"))
with tarfile.open(os.path.join(os.environ.get("OUT", "/tmp/out"), "torch_fixtures.tar"), "w") as t:
    t.add(out, arcname="torch_fixtures")
print("files:", sorted(os.listdir(out)))
