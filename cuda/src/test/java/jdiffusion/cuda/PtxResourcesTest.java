package jdiffusion.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The PTX in the jar is well-formed for the driver and declares every kernel the Java side launches. */
class PtxResourcesTest {

    @Test
    void everyModuleHasVersionAndTarget() {
        for (String m : Kernel.MODULES) {
            String ptx = Ptx.text(m);
            int[] v = Ptx.version(ptx);
            assertNotNull(v, m + ".ptx has no .version line");
            // ISA 7.0 brought cp.async (mma.sync m16n8k16 and ldmatrix are older); build-ptx.sh declares
            // 7.4 (CUDA 11.4, whose driver API the backend binds) so drivers from 470 on JIT it.
            assertEquals(7, v[0], m + ".ptx: PTX ISA " + v[0] + "." + v[1]);
            assertEquals(4, v[1], m + ".ptx: PTX ISA " + v[0] + "." + v[1] + " (build-ptx.sh declares 7.4)");
            assertEquals("sm_80", Ptx.target(ptx), m + ".ptx target");
            assertTrue(ptx.contains(".address_size 64"), m + ".ptx must be 64-bit");
        }
    }

    @Test
    void everyKernelExistsWithItsSignature() {
        for (Kernel k : Kernel.values()) {
            Map<String, List<String>> entries = Ptx.entries(Ptx.text(k.module));
            List<String> params = entries.get(k.entry);
            assertNotNull(params, "kernel " + k.entry + " is missing from " + k.module + ".ptx");
            assertEquals(k.signature.length(), params.size(), "parameter count of " + k.entry + " " + params);
            for (int i = 0; i < params.size(); i++) {
                char c = k.signature.charAt(i);
                assertTrue(Ptx.matches(c, params.get(i)), k.entry + " parameter " + i + ": Java packs '" + c
                        + "', PTX declares ." + params.get(i));
            }
        }
    }

    @Test
    void everyPtxEntryIsLaunchedFromJava() {
        Set<String> known = new HashSet<>();
        for (Kernel k : Kernel.values()) {
            known.add(k.module + "/" + k.entry);
        }
        for (String m : Kernel.MODULES) {
            for (String e : Ptx.entries(Ptx.text(m)).keySet()) {
                if (!known.contains(m + "/" + e)) {
                    fail("PTX entry " + e + " in " + m + ".ptx has no Kernel constant (stale PTX or a missing launcher)");
                }
            }
        }
    }

    @Test
    void tensorCoreKernelsUseTheInstructionsTheyClaim() {
        String gemm = Ptx.text("gemm");
        String attn = Ptx.text("attention");
        for (String ptx : new String[] {gemm, attn}) {
            assertTrue(ptx.contains("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32"));
            assertTrue(ptx.contains("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32"));
            assertTrue(ptx.contains("ldmatrix.sync.aligned.m8n8.x4.shared.b16"));
            assertTrue(ptx.contains("cp.async.cg.shared.global"));
        }
        assertTrue(attn.contains("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16"), "P·V reads V with ldmatrix.trans");
    }

    @Test
    void aheadOfTimeCubinsMatchTheShippedPtx() throws Exception {
        for (String m : Kernel.MODULES) {
            byte[] cubin = Ptx.resource(m + ".sm_90.cubin");
            if (cubin == null) {
                continue;  // optional: the PTX alone works everywhere
            }
            assertTrue(cubin.length > 64 && cubin[0] == 0x7f && cubin[1] == 'E' && cubin[2] == 'L' && cubin[3] == 'F',
                    m + ".sm_90.cubin is not an ELF image");
            int machine = (cubin[18] & 0xff) | (cubin[19] & 0xff) << 8;
            assertEquals(190, machine, m + ".sm_90.cubin: ELF machine should be EM_CUDA (190)");
            byte[] sha = Ptx.resource(m + ".sm_90.cubin.src-sha256");
            assertNotNull(sha, m + ".sm_90.cubin has no .src-sha256 beside it");
            String ptxSha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Ptx.text(m).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            assertEquals(ptxSha, new String(sha, java.nio.charset.StandardCharsets.US_ASCII).strip(),
                    m + ".sm_90.cubin was built from different PTX: rerun cuda/build-ptx.sh");
            String strings = new String(cubin, java.nio.charset.StandardCharsets.ISO_8859_1);
            for (Kernel k : Kernel.values()) {
                if (k.module.equals(m)) {
                    assertTrue(strings.contains(k.entry + "\0"), m + ".sm_90.cubin lacks " + k.entry);
                }
            }
        }
    }

    @Test
    void parserReadsParamsOfASmallEntry() {
        String ptx = ".version 9.0\n.target sm_80\n.address_size 64\n"
                + ".visible .entry k(\n\t.param .u64 k_param_0,\n\t.param .u32 k_param_1,\n\t.param .f32 k_param_2,\n"
                + "\t.param .align 8 .b8 k_param_3[24]\n)\n{\n}\n";
        assertEquals(Map.of("k", List.of("u64", "u32", "f32", "b8[24]")), Ptx.entries(ptx));
        assertEquals("sm_80", Ptx.target(ptx));
        assertEquals(9, Ptx.version(ptx)[0]);
    }
}
