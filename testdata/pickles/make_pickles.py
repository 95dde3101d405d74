# Writes the hand-crafted pickle test files of this folder with Python's own pickle module (no
# torch needed): fake 'torch' modules are registered so that the pickler emits exactly the GLOBALs
# and persistent ids torch.save would, and expected values are computed here by plain Python
# strided indexing. Run: python3 make_pickles.py (from this folder). The build only reads the
# outputs; it never runs this script.
import collections, io, json, os, pickle, struct, sys, types, zipfile

torch = types.ModuleType("torch")
utils = types.ModuleType("torch._utils")
sys.modules["torch"] = torch
sys.modules["torch._utils"] = utils
torch._utils = utils


def _mk_storage_class(name):
    cls = type(name, (), {})
    cls.__module__ = "torch"
    setattr(torch, name, cls)
    return cls


FloatStorage = _mk_storage_class("FloatStorage")
HalfStorage = _mk_storage_class("HalfStorage")
BFloat16Storage = _mk_storage_class("BFloat16Storage")
LongStorage = _mk_storage_class("LongStorage")


def _rebuild_tensor_v2(*a):
    raise RuntimeError("never called")


def _rebuild_parameter(*a):
    raise RuntimeError("never called")


for f in (_rebuild_tensor_v2, _rebuild_parameter):
    f.__module__ = "torch._utils"
    setattr(utils, f.__name__, f)

FMT = {FloatStorage: ("<f", 4), HalfStorage: ("<e", 2), LongStorage: ("<q", 8), BFloat16Storage: (None, 2)}


class Storage:
    def __init__(self, cls, key, values):
        self.cls, self.key, self.values = cls, key, values

    def raw(self):
        fmt, size = FMT[self.cls]
        if self.cls is BFloat16Storage:  # top half of a float32 (values chosen exactly representable)
            return b"".join(struct.pack("<f", v)[2:] for v in self.values)
        return b"".join(struct.pack(fmt, v) for v in self.values)


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce_ex__(self, proto):
        args = (self.storage, self.offset, tuple(self.size), tuple(self.stride), False, collections.OrderedDict())
        return (_rebuild_tensor_v2, args)

    def values(self):  # row-major elements of the view, by plain index arithmetic
        out = []

        def rec(d, off):
            if d == len(self.size):
                out.append(self.storage.values[off])
                return
            for i in range(self.size[d]):
                rec(d + 1, off + i * self.stride[d])

        rec(0, self.offset)
        return out


class ParamTensor(Tensor):
    def __reduce_ex__(self, proto):
        args = (self.storage, self.offset, tuple(self.size), tuple(self.stride), False, collections.OrderedDict())
        return (_rebuild_parameter, (Rebuilt(args), True, collections.OrderedDict()))


class Rebuilt:
    def __init__(self, args):
        self.args = args

    def __reduce_ex__(self, proto):
        return (_rebuild_tensor_v2, self.args)


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", obj.cls, obj.key, "cpu", len(obj.values))
        return None


def torch_zip(path, obj, archive, protocol):
    buf = io.BytesIO()
    TorchPickler(buf, protocol=protocol).dump(obj)
    storages = {}

    def walk(o):
        if isinstance(o, Tensor):
            storages[o.storage.key] = o.storage
        elif isinstance(o, dict):
            for v in o.values():
                walk(v)

    walk(obj)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr(archive + "/data.pkl", buf.getvalue())
        z.writestr(archive + "/byteorder", "little")
        for k, s in storages.items():
            z.writestr(archive + "/data/" + k, s.raw())
        z.writestr(archive + "/version", "3\n")


expected = {}


def record(name, t):
    expected[name] = {"shape": list(t.size), "values": t.values()}


# --- a protocol-4 zip checkpoint with strided views and an EMA wrapper -----------------------------
s_f32 = Storage(FloatStorage, "0", [0.25 * i - 3.0 for i in range(24)])
s_f16 = Storage(HalfStorage, "1", [0.5 * i - 2.0 for i in range(12)])
s_bf16 = Storage(BFloat16Storage, "2", [float(i) - 11.5 for i in range(24)])
s_i64 = Storage(LongStorage, "3", [i * 1000003 - 7 for i in range(5)])
s_small = Storage(FloatStorage, "4", [1.5, -2.5, 3.5, -4.5])
s_noise = Storage(FloatStorage, "5", [9.0, 8.0])
ema = collections.OrderedDict()
ema["dense"] = Tensor(s_f32, 0, [4, 6], [6, 1])
ema["transposed"] = Tensor(s_f32, 0, [6, 4], [1, 6])
ema["offset_slice"] = Tensor(s_f32, 7, [2, 3], [6, 1])
ema["permuted_bf16"] = Tensor(s_bf16, 0, [3, 2, 4], [4, 12, 1])
ema["half_t"] = Tensor(s_f16, 1, [2, 3], [1, 4])
ema["expanded"] = Tensor(s_small, 0, [3, 4], [0, 1])
ema["ids"] = Tensor(s_i64, 0, [1, 5], [5, 1])
ema["param"] = ParamTensor(s_small, 1, [3], [1])
ema["scalar"] = Tensor(s_small, 3, [], [])
for k, v in ema.items():
    record(k, v)
ckpt = {"params": {"dense": Tensor(s_noise, 0, [2], [1])}, "params_ema": ema, "iter": 5000, "note": "hand-made"}
torch_zip("p4_strided_ema.pt", ckpt, "some_other_archive_name", 4)
json.dump(expected, open("p4_strided_ema.expected.json", "w"), indent=0)


# --- malicious files: must be refused without running anything ------------------------------------
MARKER = "/tmp/jdiffusion-pickle-test-pwned"


class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + MARKER,))


class EvilEval:
    def __reduce__(self):
        return (eval, ("__import__('os').system('touch " + MARKER + "')",))


# a zip checkpoint whose data.pkl calls os.system (protocol 2, GLOBAL 'posix system' on Linux)
buf = io.BytesIO()
pickle.Pickler(buf, protocol=2).dump({"state_dict": {"x": Evil()}})
with zipfile.ZipFile("malicious_os_system.ckpt", "w") as z:
    z.writestr("archive/data.pkl", buf.getvalue())
    z.writestr("archive/byteorder", "little")
# a bare pickle (what a legacy-format reader sees first) calling builtins.eval via STACK_GLOBAL
with open("malicious_eval.pt", "wb") as f:
    pickle.Pickler(f, protocol=4).dump(EvilEval())
print("wrote", sorted(os.listdir(".")))
