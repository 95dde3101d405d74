package jdiffusion.loaders.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import jdiffusion.tensor.DType;
import jdiffusion.tensor.Half;
import jdiffusion.tensor.Tensor;

/**
 * Writes {@code .safetensors} files: tensors converted to a chosen float dtype (F32, F16 or BF16),
 * data ordered by name, header padded with spaces to a multiple of 8 as the reference library does.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {
    }

    /** A tensor to write and the dtype to store it in. */
    public record Item(String name, Tensor tensor, DType dtype) {
    }

    /** Writes every tensor as float32. */
    public static void writeF32(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<Item> items = new ArrayList<>();
        tensors.forEach((k, v) -> items.add(new Item(k, v, DType.F32)));
        write(path, items, metadata, false);
    }

    /**
     * Writes the items. Refuses to replace an existing file unless {@code overwrite} is set, so a
     * user's checkpoint is never clobbered by accident.
     */
    public static void write(Path path, List<Item> items, Map<String, String> metadata, boolean overwrite) throws IOException {
        List<Item> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(Item::name));
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Item it : sorted) {
            if (it.dtype() != DType.F32 && it.dtype() != DType.F16 && it.dtype() != DType.BF16) {
                throw new IllegalArgumentException("cannot write tensor '" + it.name() + "' as " + it.dtype()
                        + " (F32, F16 or BF16 supported)");
            }
            if (header.has(it.name())) {
                throw new IllegalArgumentException("duplicate tensor name '" + it.name() + "'");
            }
            ObjectNode e = header.putObject(it.name());
            e.put("dtype", it.dtype().name());
            ArrayNode sh = e.putArray("shape");
            for (int d : it.tensor().shape()) {
                sh.add(d);
            }
            long bytes = (long) it.tensor().size() * it.dtype().byteSize();
            e.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] h = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        var opts = overwrite
                ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE}
                : new StandardOpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE};
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path, opts), 1 << 20)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(h);
            for (int i = h.length; i < padded; i++) {
                out.write(' ');
            }
            for (Item it : sorted) {
                writeData(out, it);
            }
        }
    }

    private static void writeData(OutputStream out, Item it) throws IOException {
        Tensor t = it.tensor();
        int chunk = 1 << 16;
        float[] buf = new float[chunk];
        ByteBuffer bb = ByteBuffer.allocate(chunk * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < t.size(); start += chunk) {
            int n = Math.min(chunk, t.size() - start);
            Half.toFloat(t.storage(), t.storageOffset() + start, buf, 0, n);
            bb.clear();
            for (int i = 0; i < n; i++) {
                switch (it.dtype()) {
                    case F32 -> bb.putFloat(buf[i]);
                    case F16 -> bb.putShort(Float.floatToFloat16(buf[i]));
                    default -> bb.putShort(Half.floatToBf16(buf[i]));
                }
            }
            out.write(bb.array(), 0, bb.position());
        }
    }
}
