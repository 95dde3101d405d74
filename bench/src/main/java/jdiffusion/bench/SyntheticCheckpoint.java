package jdiffusion.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Writes a full-size random-weight checkpoint in a real key layout, from a manifest such as
 * {@code testdata/manifests/sdxl.json} (name → shape): weights F16, {@code position_ids} I64
 * 0..n-1, the LDM DDPM buffers F32, as real files store them. Data is streamed to disk in 8 MB
 * chunks cut at random offsets from a pool of random f16 values (N(0, 0.02²)), so memory stays
 * small whatever the model size. Refuses to overwrite an existing file.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar jdiffusion.bench.SyntheticCheckpoint
 * testdata/manifests/sdxl.json bench/models/sdxl-synthetic.safetensors [seed]}
 */
public final class SyntheticCheckpoint {
    private static final int CHUNK = 8 << 20;

    private SyntheticCheckpoint() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: SyntheticCheckpoint MANIFEST.json OUT.safetensors [SEED]");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        long bytes;
        try {
            bytes = write(Path.of(args[0]), Path.of(args[1]), args.length == 3 ? Long.parseLong(args[2]) : 1234);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            System.err.println(args[1] + ": already exists; not overwritten");
            System.exit(1);
            return;
        }
        System.out.printf("wrote %s: %,d bytes in %.1f s%n", args[1], bytes, (System.nanoTime() - t0) / 1e9);
    }

    /** Writes the checkpoint; returns its size in bytes. */
    public static long write(Path manifest, Path out, long seed) throws IOException {
        JsonNode tensors = new ObjectMapper().readTree(manifest.toFile()).get("tensors");
        if (tensors == null || !tensors.isObject()) {
            throw new IllegalArgumentException(manifest + ": no \"tensors\" object");
        }
        Map<String, long[]> shapes = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : tensors.properties()) {
            long[] s = new long[e.getValue().size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = e.getValue().get(i).asLong();
            }
            shapes.put(e.getKey(), s);
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        header.putObject("__metadata__").put("format", "pt").put("description", "synthetic random weights from " + manifest.getFileName());
        long offset = 0;
        for (var e : shapes.entrySet()) {
            String dtype = dtypeOf(e.getKey());
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype);
            ArrayNode sh = t.putArray("shape");
            long n = 1;
            for (long d : e.getValue()) {
                sh.add(d);
                n *= d;
            }
            long size = n * switch (dtype) {
                case "I64" -> 8;
                case "F32" -> 4;
                default -> 2;
            };
            t.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] h = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        SplittableRandom rnd = new SplittableRandom(seed);
        ByteBuffer pool = ByteBuffer.allocate(2 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        while (pool.hasRemaining()) {
            pool.putShort(Float.floatToFloat16((float) (rnd.nextGaussian() * 0.02)));
        }
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(h);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            writeFully(ch, head.flip());
            for (var e : shapes.entrySet()) {
                long n = 1;
                for (long d : e.getValue()) {
                    n *= d;
                }
                switch (dtypeOf(e.getKey())) {
                    case "I64" -> {
                        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(8 * n)).order(ByteOrder.LITTLE_ENDIAN);
                        for (long i = 0; i < n; i++) {
                            b.putLong(i);
                        }
                        writeFully(ch, b.flip());
                    }
                    case "F32" -> {
                        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(4 * n)).order(ByteOrder.LITTLE_ENDIAN);
                        for (long i = 0; i < n; i++) {
                            b.putFloat((float) rnd.nextDouble());
                        }
                        writeFully(ch, b.flip());
                    }
                    default -> {
                        long left = 2 * n;
                        while (left > 0) {
                            int len = (int) Math.min(left, CHUNK);
                            int start = rnd.nextInt(CHUNK / 2) * 2;
                            writeFully(ch, pool.duplicate().position(start).limit(start + len));
                            left -= len;
                        }
                    }
                }
            }
            return ch.size();
        }
    }

    /** Real files store weights in F16, position ids as I64 and the LDM schedule buffers (no dots, [1000]) as F32. */
    static String dtypeOf(String name) {
        if (name.endsWith("position_ids")) {
            return "I64";
        }
        return name.contains(".") ? "F16" : "F32";
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
