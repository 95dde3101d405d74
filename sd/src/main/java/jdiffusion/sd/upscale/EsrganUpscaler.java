package jdiffusion.sd.upscale;

import java.util.function.UnaryOperator;
import jdiffusion.nn.esrgan.RRDBNet;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Mode;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.Tensor;

/**
 * An ESRGAN-family model as the webui runs it ({@code modules/upscaler_utils.py:
 * upscale_with_model}): the picture is split into overlapping tiles (option {@code ESRGAN_tile},
 * default 192, overlap {@code ESRGAN_tile_overlap} 8) so any size fits in memory; each tile is fed
 * to the network in BGR order as float32 (v/255), the output clamped to [0, 1], scaled by 255,
 * rounded half-to-even and flipped back to RGB; tiles are recombined with linear ramps.
 */
public final class EsrganUpscaler implements jdiffusion.sd.image.Upscaler {
    /** The webui's defaults for options ESRGAN_tile and ESRGAN_tile_overlap. */
    public static final int DEFAULT_TILE = 192;
    public static final int DEFAULT_OVERLAP = 8;

    private final Backend backend;
    private final UnaryOperator<Tensor> model;
    private final int scale;
    private final int tile;
    private final int overlap;

    /**
     * @param model a network [1, 3, H, W] -> [1, 3, H·scale, W·scale] on BGR planes in [0, 1]
     * @param tile  tile size in input pixels, 0 = the whole picture at once
     */
    public EsrganUpscaler(Backend backend, UnaryOperator<Tensor> model, int scale, int tile, int overlap) {
        if (tile < 0 || overlap < 0 || tile > 0 && overlap >= tile) {
            throw new IllegalArgumentException("ESRGAN tile " + tile + " / overlap " + overlap
                    + ": expected tile >= 0 and 0 <= overlap < tile");
        }
        this.backend = backend;
        this.model = model;
        this.scale = scale;
        this.tile = tile;
        this.overlap = overlap;
    }

    /** The webui's defaults: 192-pixel tiles overlapping by 8. */
    public static EsrganUpscaler of(Backend backend, RRDBNet net) {
        return new EsrganUpscaler(backend, net::forward, net.scale(), DEFAULT_TILE, DEFAULT_OVERLAP);
    }

    public int scale() {
        return scale;
    }

    /** One pass of the model at its own scale (the requested scale only drives the webui's loop). */
    @Override
    public Image doUpscale(Image im, double ignoredScale) {
        Image rgb = im.mode() == Mode.RGB ? im : jdiffusion.sd.image.Convert.convert(im, Mode.RGB);
        if (tile <= 0) {
            return patch(rgb);
        }
        TileGrid grid = TileGrid.split(rgb, tile, overlap);
        return grid.map(scale, this::patch).combine();
    }

    /** {@code upscale_pil_patch}: one tile through the network. */
    Image patch(Image rgb) {
        int w = rgb.width();
        int h = rgb.height();
        byte[] px = rgb.data();
        float[] x = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            int src = 2 - c; // BGR planes, as the webui feeds them
            for (int i = 0; i < h * w; i++) {
                x[c * h * w + i] = (float) ((px[3 * i + src] & 0xff) / 255.0);
            }
        }
        Tensor y = backend.toHost(model.apply(backend.load(Tensor.of(x, 1, 3, h, w))));
        int ow = y.dim(3);
        int oh = y.dim(2);
        float[] out = y.array();
        int off = y.offset();
        byte[] res = new byte[3 * oh * ow];
        for (int c = 0; c < 3; c++) {
            int dst = 2 - c;
            for (int i = 0; i < oh * ow; i++) {
                float v = Math.min(1f, Math.max(0f, out[off + c * oh * ow + i]));
                res[3 * i + dst] = (byte) (int) Math.rint(255f * v);
            }
        }
        return Image.wrap(ow, oh, Mode.RGB, res);
    }
}
