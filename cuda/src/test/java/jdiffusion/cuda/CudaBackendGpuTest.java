package jdiffusion.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.stream.Collectors;
import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every backend op on the GPU against the CPU backend (skipped, with the reason, without a GPU). */
class CudaBackendGpuTest {

    private static CudaContext ctx() {
        CudaContext c = CudaProbe.context();
        assumeTrue(c != null, CudaProbe::reason);
        return c;
    }

    @Test
    void allOpsMatchTheCpuBackendF16() {
        assertAllOk(SelfTest.run(new CudaBackend(ctx(), ElemType.F16), 1));
    }

    @Test
    void allOpsMatchTheCpuBackendBf16() {
        assertAllOk(SelfTest.run(new CudaBackend(ctx(), ElemType.BF16), 2));
    }

    @Test
    void loadAndToHostRoundTripExactly() {
        CudaBackend be = new CudaBackend(ctx());
        Tensor x = Tensor.of(new float[] {1.5f, -2f, Float.MIN_VALUE, 3e38f, -0f}, 5);
        Tensor d = be.load(x);
        assertTrue(d.storage() instanceof DeviceStorage);
        assertEquals(java.util.Arrays.toString(x.toFloatArray()), java.util.Arrays.toString(be.toHost(d).toFloatArray()));
        assertEquals(-2f, d.getFlat(1));
        assertEquals(3e38f, d.toF32().getFlat(3));
    }

    private static void assertAllOk(List<SelfTest.Result> rs) {
        String bad = rs.stream().filter(r -> !r.ok())
                .map(r -> r.op() + " " + r.shape() + ": " + r.relError() + " > " + r.tolerance())
                .collect(Collectors.joining("\n"));
        assertTrue(bad.isEmpty(), bad);
    }
}
