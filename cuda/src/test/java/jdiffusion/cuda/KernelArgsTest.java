package jdiffusion.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The void** array cuLaunchKernel reads: one pointer per parameter, each at its value. */
class KernelArgsTest {

    @Test
    void packsEachValueBehindItsOwnPointer() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = KernelArgs.pack(a, "k", "pilf", 0x7f00_1234_5678L, -7, 1L << 40, 2.5f);
            assertEquals(4 * ValueLayout.ADDRESS.byteSize(), p.byteSize());
            MemorySegment[] slot = new MemorySegment[4];
            for (int i = 0; i < 4; i++) {
                slot[i] = p.getAtIndex(ValueLayout.ADDRESS, i).reinterpret(8);
                assertEquals(0, slot[i].address() % 8, "slot " + i + " is 8-byte aligned");
            }
            assertEquals(0x7f00_1234_5678L, slot[0].get(ValueLayout.JAVA_LONG, 0));
            assertEquals(-7, slot[1].get(ValueLayout.JAVA_INT, 0));
            assertEquals(1L << 40, slot[2].get(ValueLayout.JAVA_LONG, 0));
            assertEquals(2.5f, slot[3].get(ValueLayout.JAVA_FLOAT, 0));
            // Distinct slots: no two parameters share storage.
            for (int i = 1; i < 4; i++) {
                assertTrue(slot[i].address() - slot[i - 1].address() >= 8);
            }
        }
    }

    @Test
    void packsEveryKernelSignatureWithMatchingValues() {
        try (Arena a = Arena.ofConfined()) {
            for (Kernel k : Kernel.values()) {
                Object[] v = new Object[k.signature.length()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = switch (k.signature.charAt(i)) {
                        case 'p', 'l' -> (long) (i + 1) * 4096;
                        case 'i' -> i + 1;
                        default -> (float) i + 0.5f;
                    };
                }
                MemorySegment p = KernelArgs.pack(a, k.entry, k.signature, v);
                for (int i = 0; i < v.length; i++) {
                    MemorySegment s = p.getAtIndex(ValueLayout.ADDRESS, i).reinterpret(8);
                    Object got = switch (k.signature.charAt(i)) {
                        case 'p', 'l' -> s.get(ValueLayout.JAVA_LONG, 0);
                        case 'i' -> s.get(ValueLayout.JAVA_INT, 0);
                        default -> s.get(ValueLayout.JAVA_FLOAT, 0);
                    };
                    assertEquals(v[i], got, k.entry + " argument " + i);
                }
            }
        }
    }

    @Test
    void rejectsWrongCountAndTypesByName() {
        try (Arena a = Arena.ofConfined()) {
            var e = assertThrows(IllegalArgumentException.class, () -> KernelArgs.pack(a, "gemm_f16_l", "pi", 1L));
            assertTrue(e.getMessage().contains("gemm_f16_l") && e.getMessage().contains("2 arguments"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> KernelArgs.pack(a, "k", "pi", 1L, 2L));
            assertTrue(e.getMessage().contains("argument 1") && e.getMessage().contains("32-bit"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> KernelArgs.pack(a, "k", "f", 1));
            assertTrue(e.getMessage().contains("float"), e.getMessage());
        }
    }
}
