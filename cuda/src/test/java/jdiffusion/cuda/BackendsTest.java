package jdiffusion.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jdiffusion.tensor.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** Device selection and the CPU fallback with its reason. */
@ResourceLock("jdiffusion.cuda.driver")
class BackendsTest {

    @Test
    void parsesDeviceStrings() {
        assertEquals(-1, Backends.parse("cpu"));
        assertEquals(0, Backends.parse("cuda"));
        assertEquals(0, Backends.parse(" CUDA:0 "));
        assertEquals(3, Backends.parse("cuda:3"));
        for (String bad : new String[] {"cuda:", "cuda:-1", "cuda:x", "tpu", "", "cuda:99999"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Backends.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("cuda:N"), e.getMessage());
        }
    }

    @Test
    void cpuIsCpu() {
        Backends.Selection s = Backends.resolve("cpu");
        assertInstanceOf(CpuBackend.class, s.backend());
        assertNull(s.fallbackReason());
    }

    @Test
    void missingDriverLibraryFallsBackWithTheReason() {
        String old = System.getProperty(Driver.LIBRARY_PROPERTY);
        System.setProperty(Driver.LIBRARY_PROPERTY, "libcuda-missing-for-test.so.1");
        try {
            var e = assertThrows(CudaUnavailableException.class, () -> CudaContext.open(0));
            assertTrue(e.getMessage().contains("libcuda-missing-for-test.so.1") && e.getMessage().contains("NVIDIA driver"),
                    e.getMessage());
            Backends.Selection s = Backends.resolve("cuda:0");
            assertInstanceOf(CpuBackend.class, s.backend());
            assertTrue(s.fellBack());
            assertTrue(s.fallbackReason().contains("libcuda-missing-for-test.so.1"), s.fallbackReason());
            assertInstanceOf(CpuBackend.class, Backends.select("cuda"));
        } finally {
            if (old == null) {
                System.clearProperty(Driver.LIBRARY_PROPERTY);
            } else {
                System.setProperty(Driver.LIBRARY_PROPERTY, old);
            }
        }
    }

    @Test
    void machineWithoutLibcudaGetsTheCpu() {
        assumeTrue(!CudaProbe.driverLibraryPresent(), "libcuda.so.1 is installed here; the no-driver path is covered above");
        Backends.Selection s = Backends.resolve("cuda:0");
        assertInstanceOf(CpuBackend.class, s.backend());
        assertTrue(s.fallbackReason().contains("libcuda.so.1"), s.fallbackReason());
    }

    @Test
    void badOrdinalIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> CudaContext.open(-1));
    }
}
