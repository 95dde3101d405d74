package jdiffusion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.Map;
import jdiffusion.loaders.MapTensorSource;
import jdiffusion.loaders.MissingTensorException;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Tensor;
import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** Shape and dtype checks name the full key and the expected shape. */
class WeightsTest {
    private static final Tensor W = Tensor.zeros(8, 4);
    private static final Tensor CONV = Tensor.zeros(8, 4, 1, 1);

    private static Weights weights(Map<String, Tensor> m) {
        return new Weights(new CpuBackend(), new MapTensorSource(m, "test.safetensors"));
    }

    @Test
    void scopedNamesAndShapeErrors() {
        Weights w = weights(Map.of("a.b.weight", W, "a.c.weight", CONV)).at("a");
        assertSame(W, w.at("b").matrix("weight", 8, 4));
        var e = assertThrows(ModelFormatException.class, () -> w.at("b").matrix("weight", 4, 8));
        assertTrue(e.getMessage().contains("test.safetensors: tensor 'a.b.weight' has shape [8, 4], expected [4, 8]"),
                e.getMessage());
        e = assertThrows(MissingTensorException.class, () -> w.at("x").matrix("weight", 1));
        assertTrue(e.getMessage().contains("'a.x.weight'"), e.getMessage());
    }

    @Test
    void pointwiseWeightsAcceptConvAndLinearShapes() {
        Weights w = weights(Map.of("lin", W, "conv", CONV, "bad", Tensor.zeros(8, 4, 3, 3)));
        int[] lin = {8, 4};
        int[] conv = {8, 4, 1, 1};
        assertArrayEquals(lin, w.matrixEither("lin", lin, conv).shape());
        assertArrayEquals(lin, w.matrixEither("conv", lin, conv).shape());
        var e = assertThrows(ModelFormatException.class, () -> w.matrixEither("bad", lin, conv));
        assertTrue(e.getMessage().contains("expected [8, 4] or [8, 4, 1, 1]"), e.getMessage());
    }

    @Test
    void integerTensorsAreNotWeights() {
        Tensor ids = Tensor.wrap(Arena.ofAuto().allocate(8 * 77), DType.I64, 1, 77);
        Weights w = weights(Map.of("position_ids", ids));
        var e = assertThrows(ModelFormatException.class, () -> w.matrix("position_ids", 1, 77));
        assertTrue(e.getMessage().contains("dtype I64"), e.getMessage());
    }
}
