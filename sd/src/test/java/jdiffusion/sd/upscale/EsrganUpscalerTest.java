package jdiffusion.sd.upscale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Mode;
import jdiffusion.sd.image.Resample;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

class EsrganUpscalerTest {
    private static final CpuBackend CPU = new CpuBackend();

    private static Image random(int w, int h, long seed) {
        byte[] d = new byte[w * h * 3];
        new Random(seed).nextBytes(d);
        return Image.wrap(w, h, Mode.RGB, d);
    }

    @Test
    void gridGeometryFollowsSplitGrid() {
        // 500x300, tile 192, overlap 8: cols = ceil(492/184) = 3, dx = 154; rows = ceil(292/184) = 2, dy = 108.
        TileGrid g = TileGrid.split(random(500, 300, 1), 192, 8);
        assertEquals(2, g.rows().size());
        assertEquals(List.of(0, 154, 308), g.rows().get(0).stream().map(TileGrid.Tile::x).toList());
        assertEquals(List.of(0, 108), g.rows().stream().map(r -> r.get(0).y()).toList());
        // Smaller than a tile: one tile at a negative offset, black-padded on the left/top.
        TileGrid small = TileGrid.split(random(100, 50, 2), 192, 8);
        TileGrid.Tile t = small.rows().get(0).get(0);
        assertEquals(-92, t.x());
        assertEquals(-142, t.y());
        assertEquals(0, t.image().get(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> TileGrid.split(random(10, 10, 3), 8, 8));
    }

    @Test
    void identityTilesRecombineToTheImage() {
        Image im = random(301, 207, 4);
        Image back = TileGrid.split(im, 64, 8).map(1, x -> x).combine();
        assertArrayEquals(im.data(), back.data());
    }

    /** A nearest-neighbour 2x "model": tiling must then equal one nearest resize of the whole picture. */
    @Test
    void tiledNearestModelEqualsWholeImageNearest() {
        Image im = random(150, 90, 5);
        EsrganUpscaler up = new EsrganUpscaler(CPU, CPU::upsampleNearest2x, 2, 40, 8);
        Image out = up.doUpscale(im, 2);
        assertEquals(300, out.width());
        assertEquals(180, out.height());
        assertArrayEquals(Resample.resize(im, 300, 180, Resample.Filter.NEAREST).data(), out.data());
    }

    /** The network sees BGR planes of v/255 and its output is clamped, scaled, rounded half to even, flipped back. */
    @Test
    void feedsBgrAndRoundsLikeTheWebui() {
        Image im = Image.wrap(1, 1, Mode.RGB, new byte[] {10, 20, (byte) 200});
        float[][] seen = new float[1][];
        EsrganUpscaler up = new EsrganUpscaler(CPU, x -> {
            seen[0] = x.toFloatArray();
            // B plane -> 2.7/255 (rounds to 3, truncation would give 2), G -> -1 (clamped), R -> 1.5 (clamped)
            return Tensor.of(new float[] {2.7f / 255f, -1f, 1.5f}, 1, 3, 1, 1);
        }, 1, 0, 0);
        Image out = up.doUpscale(im, 1);
        assertArrayEquals(new float[] {(float) (200 / 255.0), (float) (20 / 255.0), (float) (10 / 255.0)}, seen[0]);
        assertEquals(255, out.get(0, 0, 0));
        assertEquals(0, out.get(0, 0, 1));
        assertEquals(3, out.get(0, 0, 2), "rounded, not truncated");
    }
}
