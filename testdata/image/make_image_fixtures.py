#!/usr/bin/env python3
"""Reference outputs of the real Pillow / OpenCV / scikit-image for jdiffusion's image kernels.

Run with the Debian bookworm packages the pipeline fixtures were made with:
    apt-get install python3-pil python3-opencv python3-numpy python3-skimage
    python3 testdata/image/make_image_fixtures.py
(Pillow 9.4.0, OpenCV 4.6.0, numpy 1.24.2, scikit-image 0.19.3). Writes image_kernels.safetensors
next to this script: U8 tensors, HWC for images; the metadata records the library versions and,
per tensor, the call that produced it. Inputs are random (fixed seed) with odd sizes.
"""
import json
import os
import struct

import cv2
import numpy as np
import PIL
import skimage
from PIL import Image, ImageFilter
from skimage.exposure import match_histograms

rng = np.random.default_rng(20261123)
tensors = {}
calls = {}


def put(name, arr, call):
    arr = np.ascontiguousarray(arr)
    assert arr.dtype == np.uint8, name
    tensors[name] = arr
    calls[name] = call


def rand_img(w, h, c):
    return rng.integers(0, 256, size=(h, w, c) if c > 1 else (h, w), dtype=np.uint8)


# ---- sources -------------------------------------------------------------------------------
src = {
    "rgb": rand_img(37, 23, 3),
    "l": rand_img(41, 29, 1),
}
rgba = rand_img(19, 17, 4)
rgba[0, :, 3] = 0          # fully transparent row
rgba[1, :, 3] = 255        # opaque row
src["rgba"] = rgba
for k, v in src.items():
    put("src." + k, v, "random source")
mode_of = {"rgb": "RGB", "l": "L", "rgba": "RGBA"}

# ---- Image.resize: every filter, down/up/mixed sizes ------------------------------------------
filters = {
    "NEAREST": Image.Resampling.NEAREST, "BOX": Image.Resampling.BOX,
    "BILINEAR": Image.Resampling.BILINEAR, "HAMMING": Image.Resampling.HAMMING,
    "BICUBIC": Image.Resampling.BICUBIC, "LANCZOS": Image.Resampling.LANCZOS,
}
sizes = [(13, 9), (61, 47), (50, 11), (7, 40)]
for k, arr in src.items():
    im = Image.fromarray(arr, mode_of[k])
    for fname, f in filters.items():
        for (w, h) in sizes:
            put(f"resize.{k}.{fname}.{w}x{h}", np.asarray(im.resize((w, h), f)),
                f"Image.fromarray(src.{k}).resize(({w}, {h}), {fname})")
# fractional and zero-extent boxes (the latter is how resize_image's "fill" builds its bands)
im = Image.fromarray(src["rgb"], "RGB")
put("resize.box.frac", np.asarray(im.resize((17, 12), Image.Resampling.LANCZOS, box=(2.5, 3.25, 30.75, 20.5))),
    "src.rgb.resize((17, 12), LANCZOS, box=(2.5, 3.25, 30.75, 20.5))")
put("resize.box.top", np.asarray(im.resize((37, 5), Image.Resampling.BICUBIC, box=(0, 0, 37, 0))),
    "src.rgb.resize((37, 5), BICUBIC, box=(0, 0, 37, 0))")
put("resize.box.bottom", np.asarray(im.resize((37, 6), Image.Resampling.BICUBIC, box=(0, 23, 37, 23))),
    "src.rgb.resize((37, 6), BICUBIC, box=(0, 23, 37, 23))")
put("resize.box.left", np.asarray(im.resize((4, 23), Image.Resampling.BICUBIC, box=(0, 0, 0, 23))),
    "src.rgb.resize((4, 23), BICUBIC, box=(0, 0, 0, 23))")
put("resize.box.right", np.asarray(im.resize((3, 23), Image.Resampling.BICUBIC, box=(37, 0, 37, 23))),
    "src.rgb.resize((3, 23), BICUBIC, box=(37, 0, 37, 23))")

# ---- ImageFilter.GaussianBlur (extended box blur) ------------------------------------------
for r in [0, 0.5, 1, 2, 3, 4, 16, 64, 256]:
    put(f"gblur.rgb.{r}", np.asarray(Image.fromarray(src["rgb"]).filter(ImageFilter.GaussianBlur(r))),
        f"src.rgb.filter(GaussianBlur({r}))")
    put(f"gblur.l.{r}", np.asarray(Image.fromarray(src["l"]).filter(ImageFilter.GaussianBlur(r))),
        f"src.l.filter(GaussianBlur({r}))")
premul = Image.fromarray(src["rgba"], "RGBA").convert("RGBa")
put("convert.rgba_to_premul", np.frombuffer(premul.tobytes(), np.uint8).reshape(17, 19, 4),
    "src.rgba.convert('RGBa') raw bytes")
for r in [2, 16]:
    blurred = premul.filter(ImageFilter.GaussianBlur(r))
    put(f"gblur.rgba_premul.{r}", np.frombuffer(blurred.tobytes(), np.uint8).reshape(17, 19, 4),
        f"src.rgba.convert('RGBa').filter(GaussianBlur({r})) raw bytes")
put("convert.premul_to_rgba", np.asarray(premul.convert("RGBA")), "src.rgba.convert('RGBa').convert('RGBA')")
put("convert.rgb_to_l", np.asarray(Image.fromarray(src["rgb"]).convert("L")), "src.rgb.convert('L')")
put("convert.rgba_to_l", np.asarray(Image.fromarray(src["rgba"], "RGBA").convert("L")), "src.rgba.convert('L')")

# ---- cv2.GaussianBlur as the webui's mask blur (x then y) ------------------------------------
mask = np.zeros((27, 33), np.uint8)
mask[5:19, 8:25] = 255
mask[rng.integers(0, 27, 40), rng.integers(0, 33, 40)] = 255
put("cvblur.src", mask, "binary mask")
for b in [1, 2, 3, 4, 5, 8, 13]:
    k = 2 * int(2.5 * b + 0.5) + 1
    x = cv2.GaussianBlur(mask, (k, 1), b)
    put(f"cvblur.x.{b}", x, f"cv2.GaussianBlur(mask, ({k}, 1), {b})")
    put(f"cvblur.xy.{b}", cv2.GaussianBlur(x, (1, k), b), f"cv2.GaussianBlur(cvblur.x.{b}, (1, {k}), {b})")
thin = rand_img(3, 40, 1)
put("cvblur.thin.src", thin, "random 40x3")
put("cvblur.thin.x.13", cv2.GaussianBlur(thin, (67, 1), 13), "kernel wider than the line: (67, 1), 13")
put("cvblur.thin.y.13", cv2.GaussianBlur(thin, (1, 67), 13), "(1, 67), 13")

# ---- compositing ---------------------------------------------------------------------------
a = rand_img(21, 15, 4)
b = rand_img(21, 15, 4)
a[0, :, 3] = 0
a[1, :, 3] = 255
b[2, :, 3] = 0
put("comp.dst", a, "random RGBA")
put("comp.src", b, "random RGBA")
put("comp.alpha_composite", np.asarray(Image.alpha_composite(Image.fromarray(a, "RGBA"), Image.fromarray(b, "RGBA"))),
    "Image.alpha_composite(dst, src)")
m = rand_img(21, 15, 1)
put("comp.mask", m, "random L")
canvas = Image.new("RGBa", (21, 15))
canvas.paste(Image.fromarray(src["rgb"][:15, :21]).convert("RGBA").convert("RGBa"), mask=Image.fromarray(m))
put("comp.paste_rgba_premul_via_mask", np.asarray(canvas.convert("RGBA")),
    "RGBa canvas.paste(src.rgb[:15,:21] as RGBa, mask=comp.mask).convert('RGBA')")
for alpha in [0.3, 0.5, 0.7]:
    put(f"comp.blend.{alpha}", np.asarray(Image.blend(Image.fromarray(src["l"]), Image.fromarray(255 - src["l"]), alpha)),
        f"Image.blend(src.l, 255 - src.l, {alpha})")
bg = Image.new("RGBA", (19, 17), "#ffffff")
bg.paste(Image.fromarray(src["rgba"], "RGBA"), mask=Image.fromarray(src["rgba"], "RGBA"))
put("comp.flatten_white", np.asarray(bg.convert("RGB")), "webui flatten(src.rgba, '#ffffff')")

# ---- histogram matching (skimage, uint8 written back as in the webui) ------------------------
img = rand_img(23, 19, 3)
img[..., 0] //= 3            # uneven histograms
ref = rand_img(17, 29, 3)
ref[..., 2] = 100 + ref[..., 2] // 4
put("hist.image", img, "random")
put("hist.reference", ref, "random")
put("hist.matched", match_histograms(img, ref, channel_axis=2), "match_histograms(image, reference, channel_axis=2)")

# ---- PNGs with a webui-style "parameters" chunk, written by Pillow's PngInfo -------------------
from PIL import PngImagePlugin  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
small = Image.fromarray((np.arange(8 * 8 * 3).reshape(8, 8, 3) * 3 % 256).astype(np.uint8))
texts = {
    # Latin-1 text -> tEXt chunk
    "webui_infotext_text.png": 'a red barn, (oil painting:1.2)\nNegative prompt: blurry, "low" quality\n'
    'Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234, Size: 512x512, '
    'Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Denoising strength: 0.75, Mask blur: 4, '
    'Lora hashes: "tiny: 0123456789ab, other: ba9876543210", Hires upscaler: "Latent (nearest)", Version: v1.10.1',
    # non-Latin-1 text -> iTXt chunk
    "webui_infotext_itxt.png": 'ein Bild von einer Katze \u732b\nSteps: 8, Sampler: Euler, Schedule type: Automatic, '
    'CFG scale: 7.0, Seed: 31340, Size: 128x64, Model hash: 0123456789, Denoising strength: 0.8, Mask blur: 4, '
    'Masked content: fill, Inpaint area: Only masked, Masked area padding: 8, Version: v1.10.1',
}
for fname, text in texts.items():
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", text)
    small.save(os.path.join(here, fname), pnginfo=info)

# ---- PNG layouts: how Pillow opens (and the webui converts) each kind of file ----------------
import zlib  # noqa: E402


def raw_png(path, w, h, bit_depth, color_type, rows):
    """Minimal PNG writer for layouts Pillow cannot save (16-bit RGB)."""
    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    raw = b"".join(b"\x00" + r for r in rows)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


layouts = {
    "L": Image.fromarray(rand_img(5, 4, 1), "L"),
    "LA": Image.fromarray(rand_img(5, 4, 2), "LA"),
    "RGBA": Image.fromarray(rand_img(5, 4, 4), "RGBA"),
}
pal = Image.fromarray(rand_img(5, 4, 3), "RGB").quantize(6)
layouts["P"] = pal
pal_t = pal.copy()
pal_t.info["transparency"] = 2
layouts["Ptrns"] = pal_t
grey16 = (rng.integers(0, 65536, size=(4, 5))).astype(np.uint16)
grey16[0, :3] = [0, 255, 256]
layouts["I16"] = Image.fromarray(grey16.astype(np.int32), "I").convert("I;16")
for k, im in layouts.items():
    fn = os.path.join(here, f"layout_{k}.png")
    if k == "Ptrns":
        im.save(fn, transparency=2)                     # one transparent index: Pillow reads an int
    else:
        im.save(fn)
pal.save(os.path.join(here, "layout_Palpha.png"), transparency=bytes([255, 128, 0, 255, 40, 255]))
rgb16 = rng.integers(0, 65536, size=(4, 5, 3)).astype(">u2")
raw_png(os.path.join(here, "layout_RGB16.png"), 5, 4, 16, 2, [rgb16[y].tobytes() for y in range(4)])
for k in list(layouts) + ["RGB16", "Palpha"]:
    opened = Image.open(os.path.join(here, f"layout_{k}.png"))
    opened.load()
    # What the webui gets: fix_png_transparency turns P/RGB with *bytes* transparency into RGBA;
    # any other P image is used through convert('RGB') (flatten), an "I" image through convert('L').
    if opened.mode in ("RGB", "P") and isinstance(opened.info.get("transparency"), bytes):
        opened = opened.convert("RGBA")
    elif opened.mode == "P":
        opened = opened.convert("RGB")
    elif opened.mode.startswith("I"):
        opened = opened.convert("L")
    put(f"layout.{k}", np.asarray(opened), f"Image.open(layout_{k}.png) -> mode {opened.mode}")

# ---- safetensors writer ----------------------------------------------------------------------
names = sorted(tensors)
header = {}
offset = 0
for n in names:
    t = tensors[n]
    header[n] = {"dtype": "U8", "shape": list(t.shape), "data_offsets": [offset, offset + t.nbytes]}
    offset += t.nbytes
header["__metadata__"] = {
    "producer": "testdata/image/make_image_fixtures.py",
    "versions": json.dumps({"Pillow": PIL.__version__, "opencv": cv2.__version__, "numpy": np.__version__,
                            "scikit-image": skimage.__version__}),
    "calls": json.dumps(calls),
}
hb = json.dumps(header, separators=(",", ":")).encode()
hb += b" " * (-len(hb) % 8)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "image_kernels.safetensors")
with open(out, "wb") as f:
    f.write(struct.pack("<Q", len(hb)))
    f.write(hb)
    for n in names:
        f.write(tensors[n].tobytes())
print(out, offset, "bytes of data,", len(names), "tensors")
