package jdiffusion.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Host-side launch geometry of the tensor-core kernels (no GPU needed). */
class GemmTileTest {

    @Test
    void tileChoiceFollowsTheH100Measurements() {
        int sms = 132;
        // UNet shapes (BENCHMARKS.md): the 64x64 tile with 64-deep k-tiles won every one.
        assertEquals(Gemm.Tile.S64, Gemm.pick(4096, 320, 320, 1, sms));
        assertEquals(Gemm.Tile.S64, Gemm.pick(4096, 1280, 320, 1, sms));
        assertEquals(Gemm.Tile.S64, Gemm.pick(64, 1280, 1280, 1, sms));
        assertEquals(Gemm.Tile.S64, Gemm.pick(2 * 64 * 64, 320, 9 * 320, 1, sms));
        // Long K and thousands of tiles: the 128x128 tile of 64x64 warps.
        assertEquals(Gemm.Tile.W, Gemm.pick(8192, 8192, 8192, 1, sms));
        // Many tiles but a short K stays on the small tile.
        assertEquals(Gemm.Tile.S64, Gemm.pick(32768, 1280, 320, 1, sms));
    }

    @Test
    void tilesCoverTheOutput() {
        assertEquals(32L * 3, Gemm.Tile.L.tiles(4096, 320));
        assertEquals(64L * 5, Gemm.Tile.S64.tiles(4096, 320));
        assertEquals(1L, Gemm.Tile.S.tiles(1, 1));
    }

    @Test
    void flashVariantsAndPadding() {
        assertEquals(48, Flash.paddedHeadDim(40));
        assertEquals(64, Flash.paddedHeadDim(64));
        assertEquals(160, Flash.paddedHeadDim(160));
        assertEquals(-1, Flash.paddedHeadDim(200));
        assertEquals(128, Flash.defaultRows(48));
        assertEquals(64, Flash.defaultRows(160));
        // Q tile + two stages of K and V tiles, rows padded by 16 bytes.
        assertEquals((128 + 256) * 56 * 2, Flash.smemBytes(48, 128));
    }

    @Test
    void operandsMustBePaddedToSixteenBytes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(null, ElemType.F16, Gemm.Tile.S, 0, 0, 0, 0, 4, 4, 12, 12, 12, 4, 0, 0, 0, 1));
        assertEquals("gemm: K 12, lda 12, ldb 12 must be multiples of 8", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.gemm(null, ElemType.F32, Gemm.Tile.S, 0, 0, 0, 0, 4, 4, 8, 8, 8, 4, 0, 0, 0, 1));
    }
}
